package dev.modelgate.bom;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURLBuilder;
import dev.modelgate.oci.OciReference;
import dev.modelgate.oms.Digest;
import dev.modelgate.oms.HashAlgorithm;
import dev.modelgate.oms.Resource;
import dev.modelgate.source.ModelScheme;
import dev.modelgate.source.ModelUri;
import dev.modelgate.verify.SignedManifest;
import dev.modelgate.verify.VerificationResult;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Ancestors;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Hash;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Pedigree;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.metadata.ToolInformation;

/**
 * The CycloneDX 1.6 BOM of one verified model (docs/bom.md): the model as a {@code
 * machine-learning-model} component with its OMS root digest and OCI manifest digest as hashes, its
 * signed files as nested {@code file} components (their digests as signed), its verification
 * evidence as {@code modelgate:} properties ({@link BomProperties}), metrics its attestations vouch
 * for in its model card ({@link ModelCards}), and the base models of its lineage as {@code
 * pedigree.ancestors}, each with its own evidence. Built with cyclonedx-core-java's model and
 * written by its JSON generator; nothing here writes JSON by hand.
 */
public final class ModelBom {
  /** The CycloneDX version written. */
  public static final Version VERSION = Version.VERSION_16;

  private ModelBom() {}

  /**
   * How the model is named in the BOM.
   *
   * @param version "" when none is known (no OCI tag, no flag)
   * @param purl "" when none applies
   */
  public record Subject(String name, String version, String purl) {
    public Subject {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(purl, "purl");
      if (name.isBlank()) {
        throw new IllegalArgumentException("a model in a BOM needs a name");
      }
    }
  }

  /**
   * The BOM for {@code e}; with {@code files} each signed file is a nested component. An evidence
   * that did not verify is written only because the caller asked: it says so in every component.
   */
  public static Bom of(Subject subject, ModelEvidence e, boolean files, String toolVersion) {
    Bom bom = new Bom();
    bom.setSerialNumber("urn:uuid:" + UUID.randomUUID());
    bom.setVersion(1);
    bom.setMetadata(metadata(e, toolVersion));
    bom.addComponent(model(subject, e, files, e.verified()));
    return bom;
  }

  /** The document as CycloneDX JSON of {@link #VERSION}, by cyclonedx-core-java's generator. */
  public static String json(Bom bom) {
    try {
      return BomGeneratorFactory.createJson(VERSION, bom).toJsonString(true);
    } catch (GeneratorException e) {
      throw new IllegalStateException("the BOM cannot be written as CycloneDX JSON", e);
    }
  }

  static Metadata metadata(ModelEvidence e, String toolVersion) {
    Metadata m = new Metadata();
    m.setTimestamp(Date.from(e.verifiedAt()));
    m.setToolChoice(tools(toolVersion));
    return m;
  }

  static ToolInformation tools(String toolVersion) {
    Component tool = new Component();
    tool.setType(Component.Type.APPLICATION);
    tool.setName("modelgate");
    tool.setVersion(toolVersion);
    ToolInformation t = new ToolInformation();
    t.setComponents(List.of(tool));
    return t;
  }

  private static Component model(
      Subject subject, ModelEvidence e, boolean files, boolean topVerified) {
    VerificationResult r = e.result();
    Component c = new Component();
    c.setType(Component.Type.MACHINE_LEARNING_MODEL);
    c.setBomRef(ref(e));
    c.setName(subject.name());
    if (!subject.version().isEmpty()) {
      c.setVersion(subject.version());
    }
    if (!subject.purl().isEmpty()) {
      c.setPurl(subject.purl());
    }
    List<Hash> hashes = new ArrayList<>();
    r.rootDigest().ifPresent(d -> hashes.add(hash(d)));
    r.resolvedDigest().ifPresent(d -> hashes.add(ociHash(d)));
    if (!hashes.isEmpty()) {
      c.setHashes(hashes);
    }
    c.setProperties(BomProperties.of(e));
    if (files && r.manifest().isPresent()) {
      c.setComponents(
          files(c.getBomRef(), r.manifest().get(), e.depth() == 0 ? topVerified : e.verified()));
    }
    ModelCards.of(r.attestations()).ifPresent(c::setModelCard);
    if (!e.ancestors().isEmpty()) {
      Ancestors ancestors = new Ancestors();
      for (ModelEvidence a : e.ancestors()) {
        ancestors.addComponent(model(subjectOf(a), a, files, a.verified()));
      }
      Pedigree p = new Pedigree();
      p.setAncestors(ancestors);
      c.setPedigree(p);
    }
    return c;
  }

  /** A base model is named after its URI: OCI tag as its version, its digest in a purl. */
  static Subject subjectOf(ModelEvidence a) {
    ModelUri uri = ModelUri.parse(a.source());
    if (uri.scheme() == ModelScheme.OCI) {
      OciReference ref = OciReference.parse(uri.location());
      return new Subject(
          nameOf(uri), ref.tag(), a.result().resolvedDigest().map(d -> ociPurl(ref, d)).orElse(""));
    }
    return new Subject(nameOf(uri), "", "");
  }

  /** The last segment of a model's path or repository. */
  public static String nameOf(ModelUri uri) {
    String path =
        uri.scheme() == ModelScheme.OCI
            ? OciReference.parse(uri.location()).repository()
            : uri.path();
    String trimmed = path.replaceAll("/+$", "");
    String last = trimmed.substring(trimmed.lastIndexOf('/') + 1);
    return last.isEmpty() ? uri.toString() : last;
  }

  /**
   * {@code pkg:oci/<name>@sha256:…?repository_url=<registry>/<repository>&tag=<tag>}, as the purl
   * spec's oci type has it (package-url/purl-spec {@code types/oci-definition.json}): no namespace,
   * the lowercased last repository segment as name, the manifest digest as version.
   */
  public static String ociPurl(OciReference ref, String manifestDigest) {
    try {
      String repo = ref.repository();
      PackageURLBuilder b =
          PackageURLBuilder.aPackageURL()
              .withType("oci")
              .withName(repo.substring(repo.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT))
              .withVersion(manifestDigest)
              .withQualifier("repository_url", ref.registry() + "/" + repo);
      if (!ref.tag().isEmpty()) {
        b.withQualifier("tag", ref.tag());
      }
      return b.build().canonicalize();
    } catch (MalformedPackageURLException e) {
      throw new IllegalStateException("no purl for " + ref + ": " + e.getMessage(), e);
    }
  }

  /** One component per signed file, with its digest as signed; shards listed per file. */
  private static List<Component> files(String parent, SignedManifest m, boolean verified) {
    Map<String, Component> byPath = new LinkedHashMap<>();
    for (Resource res : m.resources()) {
      String path = res.key().path().value();
      Component f =
          byPath.computeIfAbsent(
              path,
              p -> {
                Component c = new Component();
                c.setType(Component.Type.FILE);
                c.setBomRef(parent + "/file/" + p);
                c.setName(p);
                c.setProperties(
                    new ArrayList<>(
                        List.of(new Property(BomProperties.VERIFIED, String.valueOf(verified)))));
                return c;
              });
      if (res.key().isShard()) {
        BomProperties.add(
            f.getProperties(),
            BomProperties.SHARD,
            res.key().start() + "-" + res.key().end() + " " + res.digest());
      } else {
        f.setHashes(List.of(hash(res.digest())));
      }
    }
    return new ArrayList<>(byPath.values());
  }

  /** A model's bom-ref: its OMS root digest (or manifest digest) where verification found one. */
  private static String ref(ModelEvidence e) {
    Optional<String> digest =
        e.result().rootDigest().map(Digest::toString).or(() -> e.result().resolvedDigest());
    return "model:" + digest.orElse(e.source());
  }

  static Hash hash(Digest d) {
    return new Hash(algorithm(d.algorithm()), d.hex());
  }

  private static Hash.Algorithm algorithm(HashAlgorithm a) {
    switch (a) {
      case SHA256:
        return Hash.Algorithm.SHA_256;
      case BLAKE2B:
        return Hash.Algorithm.BLAKE2b_512;
      case BLAKE3:
        return Hash.Algorithm.BLAKE3;
      default:
        throw new IllegalStateException("no CycloneDX hash algorithm for " + a);
    }
  }

  /** An OCI digest ({@code sha256:…} or {@code sha512:…}) as a CycloneDX hash. */
  static Hash ociHash(String ociDigest) {
    String hex = ociDigest.substring(ociDigest.indexOf(':') + 1);
    return new Hash(
        ociDigest.startsWith("sha512:") ? Hash.Algorithm.SHA_512 : Hash.Algorithm.SHA_256, hex);
  }
}
