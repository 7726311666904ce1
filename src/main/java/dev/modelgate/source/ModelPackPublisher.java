package dev.modelgate.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.core.StrictJson;
import dev.modelgate.oci.MediaTypes;
import dev.modelgate.oci.OciDigest;
import dev.modelgate.oci.OciReference;
import dev.modelgate.oci.RegistryClient;
import dev.modelgate.oms.BundleParser;
import dev.modelgate.oms.HashAlgorithm;
import dev.modelgate.oms.HashProgress;
import dev.modelgate.oms.HashedModel;
import dev.modelgate.oms.IgnoreRules;
import dev.modelgate.oms.ModelContents;
import dev.modelgate.oms.ModelFile;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.oms.ModelWalker;
import dev.modelgate.oms.Resource;
import dev.modelgate.oms.Serialization;
import dev.modelgate.oms.SymlinkPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Publishes a model directory as a CNCF ModelPack artifact with one raw layer per file (so each
 * layer digest is the file's sha256, which lets ModelGate verify it from the manifest alone), and
 * its OMS bundles as Sigstore-bundle referrers, also listed in the {@code sha256-<hex>} tag index
 * for registries without the referrers API (oci-models.md sections 1, 4.3, 7).
 */
public final class ModelPackPublisher {
  private final RegistryClient registry;

  public ModelPackPublisher(RegistryClient registry) {
    this.registry = registry;
  }

  /** What was pushed: the model manifest digest and the referrers attached to it. */
  public record Published(OciReference model, int layers, List<OciDigest> referrers) {
    public Published {
      referrers = List.copyOf(referrers);
    }
  }

  public Published publish(
      Path model, OciReference target, IgnoreRules ignore, List<byte[]> bundles, Instant deadline) {
    ModelContents contents = new ModelWalker(ignore, SymlinkPolicy.REFUSE).walk(model);
    refuse(contents.failures());
    if (contents.singleFile()) {
      throw new InvalidInputException(
          Reason.REQUEST_MALFORMED, "push takes a model directory, not a single file: " + model);
    }
    HashedModel hashed =
        ModelHasher.allCores()
            .hash(
                contents.files(),
                Serialization.files(HashAlgorithm.SHA256, false),
                HashProgress.NONE);
    refuse(hashed.failures());
    Map<String, ModelFile> byName = new LinkedHashMap<>();
    contents.files().forEach(f -> byName.put(f.path().value(), f));
    List<Map<String, Object>> layers = new ArrayList<>();
    List<String> diffIds = new ArrayList<>();
    for (Resource r : hashed.resources()) {
      ModelFile f = byName.get(r.key().path().value());
      OciDigest d = new OciDigest("sha256", r.digest().hex());
      registry.pushBlob(target, d, f.location(), deadline);
      Map<String, Object> layer = new LinkedHashMap<>();
      layer.put("mediaType", layerMediaType(f.path().value()));
      layer.put("digest", d.toString());
      layer.put("size", f.size());
      layer.put("annotations", Map.of("org.cncf.model.filepath", f.path().value()));
      layers.add(layer);
      diffIds.add(d.toString());
    }
    String name =
        contents.root().getFileName() == null ? "model" : contents.root().getFileName().toString();
    byte[] config =
        json(
            Map.of(
                "descriptor", Map.of("name", name),
                "config", Map.of(),
                "modelfs", Map.of("type", "layers", "diffIds", diffIds)));
    OciDigest configDigest = registry.pushBlob(target, config, deadline);
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.put("artifactType", MediaTypes.MODELPACK_MANIFEST);
    manifest.put(
        "config",
        Map.of(
            "mediaType",
            MediaTypes.MODELPACK_CONFIG,
            "digest",
            configDigest.toString(),
            "size",
            config.length));
    manifest.put("layers", layers);
    byte[] manifestBytes = json(manifest);
    OciDigest digest =
        registry.pushManifest(
            target,
            target.tag().isEmpty() ? OciDigest.sha256(manifestBytes).toString() : target.tag(),
            manifestBytes,
            MediaTypes.OCI_MANIFEST,
            deadline);
    List<OciDigest> referrers = new ArrayList<>();
    for (byte[] bundle : bundles) {
      referrers.add(attachBundle(target, digest, manifestBytes.length, bundle, deadline));
    }
    return new Published(target.withDigest(digest), layers.size(), referrers);
  }

  /** Pushes a bundle as a referrer of {@code subject} and lists it in the referrers tag index. */
  public OciDigest attachBundle(
      OciReference repo, OciDigest subject, long subjectSize, byte[] bundle, Instant deadline) {
    byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
    OciDigest emptyDigest = registry.pushBlob(repo, empty, deadline);
    OciDigest bundleDigest = registry.pushBlob(repo, bundle, deadline);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(MediaTypes.BUNDLE_CONTENT, "dsse-envelope");
    annotations.put(MediaTypes.BUNDLE_PREDICATE_TYPE, predicateType(bundle));
    Map<String, Object> referrer = new LinkedHashMap<>();
    referrer.put("schemaVersion", 2);
    referrer.put("mediaType", MediaTypes.OCI_MANIFEST);
    referrer.put("artifactType", MediaTypes.SIGSTORE_BUNDLE);
    referrer.put(
        "config",
        Map.of(
            "mediaType",
            MediaTypes.OCI_EMPTY,
            "digest",
            emptyDigest.toString(),
            "size",
            empty.length));
    referrer.put(
        "layers",
        List.of(
            Map.of(
                "mediaType",
                MediaTypes.SIGSTORE_BUNDLE,
                "digest",
                bundleDigest.toString(),
                "size",
                bundle.length)));
    referrer.put(
        "subject",
        Map.of(
            "mediaType",
            MediaTypes.OCI_MANIFEST,
            "digest",
            subject.toString(),
            "size",
            subjectSize));
    referrer.put("annotations", annotations);
    byte[] referrerBytes = json(referrer);
    OciDigest referrerDigest =
        registry.pushManifest(
            repo,
            OciDigest.sha256(referrerBytes).toString(),
            referrerBytes,
            MediaTypes.OCI_MANIFEST,
            deadline);
    updateReferrersTag(repo, subject, referrerDigest, referrerBytes.length, annotations, deadline);
    return referrerDigest;
  }

  private void updateReferrersTag(
      OciReference repo,
      OciDigest subject,
      OciDigest referrer,
      long size,
      Map<String, String> annotations,
      Instant deadline) {
    List<Object> manifests = new ArrayList<>();
    Optional<byte[]> existing = registry.indexAtTag(repo, subject.referrersTag(), deadline);
    if (existing.isPresent()) {
      try {
        StrictJson.mapper().readTree(existing.get()).path("manifests").forEach(manifests::add);
      } catch (IOException e) {
        // A broken fallback index is replaced by a fresh one.
      }
    }
    manifests.removeIf(
        m ->
            m instanceof JsonNode
                && ((JsonNode) m).path("digest").asText().equals(referrer.toString()));
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("mediaType", MediaTypes.OCI_MANIFEST);
    entry.put("digest", referrer.toString());
    entry.put("size", size);
    entry.put("artifactType", MediaTypes.SIGSTORE_BUNDLE);
    entry.put("annotations", annotations);
    manifests.add(entry);
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.put("manifests", manifests);
    registry.pushManifest(
        repo, subject.referrersTag(), json(index), MediaTypes.OCI_INDEX, deadline);
  }

  /** Through the same parser verification uses, so a bundle that would not verify is not pushed. */
  private static String predicateType(byte[] bundle) {
    byte[] payload = new BundleParser().parse(bundle).envelope().payload().toArray();
    return StrictJson.forDocument(Reason.STATEMENT_MALFORMED, "bundle payload")
        .parse(payload)
        .path("predicateType")
        .asText("");
  }

  /** ModelPack raw layer types by file kind (model-spec mediatype.go). */
  static String layerMediaType(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    String base = p.substring(p.lastIndexOf('/') + 1);
    if (p.matches(
        ".*\\.(safetensors|gguf|bin|pt|pth|onnx|h5|ckpt|pkl|pickle|npz|msgpack|tflite|mlmodel)$")) {
      return "application/vnd.cncf.model.weight.v1.raw";
    }
    if (base.startsWith("readme") || base.startsWith("license") || p.endsWith(".md")) {
      return "application/vnd.cncf.model.doc.v1.raw";
    }
    if (p.endsWith(".py") || p.endsWith(".sh")) {
      return "application/vnd.cncf.model.code.v1.raw";
    }
    return "application/vnd.cncf.model.weight.config.v1.raw";
  }

  private static byte[] json(Object o) {
    try {
      return StrictJson.mapper().writeValueAsBytes(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void refuse(List<Failure> failures) {
    if (!failures.isEmpty()) {
      throw new InvalidInputException(
          failures.get(0).reason(),
          "model cannot be published: "
              + failures.get(0).message()
              + (failures.size() > 1 ? " (and " + (failures.size() - 1) + " more)" : ""));
    }
  }
}
