package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.InternalFailures;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Limits;
import dev.modelgate.core.ModelGateException;
import dev.modelgate.core.Reason;
import dev.modelgate.core.UnavailableException;
import dev.modelgate.oci.Descriptor;
import dev.modelgate.oci.ManifestParser;
import dev.modelgate.oci.MediaTypes;
import dev.modelgate.oci.OciDigest;
import dev.modelgate.oci.OciManifest;
import dev.modelgate.oci.OciReference;
import dev.modelgate.oci.RegistryClient;
import dev.modelgate.oms.Digest;
import dev.modelgate.oms.HashAlgorithm;
import dev.modelgate.oms.PredicateKind;
import dev.modelgate.oms.RelativePath;
import dev.modelgate.source.RegistryAccess;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies a model published as an OCI artifact without downloading its weights: resolve the
 * reference to a manifest (an index is resolved to its model manifest), find OMS bundles among its
 * referrers (API, then the {@code sha256-<hex>} tag) or as a {@code model.sig} layer, and check
 * each bundle's signed file list against the layer digests. A container image used as a model (a
 * modelcar) is checked against its model directory with its layers applied ({@link ImageLayers}),
 * only where the policy allows downloading them. The threshold counts distinct authorities, one
 * bundle for one authority.
 */
public final class OciModelVerifier {
  /** File-path annotations, newest first: ModelPack, its pre-v0.0.7 name, then ORAS's title. */
  static final List<String> PATH_ANNOTATIONS =
      List.of(
          "org.cncf.model.filepath", "org.cnai.model.filepath", "org.opencontainers.image.title");

  private final RegistryClient baseRegistry;
  private final RegistryClient registry;
  private final ModelVerifier verifier;
  private final PullCredentials pullCredentials;
  private final VerifiedCache cache;

  public OciModelVerifier(RegistryClient registry, ModelVerifier verifier) {
    this(registry, verifier, PullCredentials.NONE);
  }

  public OciModelVerifier(
      RegistryClient registry, ModelVerifier verifier, PullCredentials pullCredentials) {
    this(registry, verifier, pullCredentials, new VerifiedCache());
  }

  public OciModelVerifier(
      RegistryClient registry,
      ModelVerifier verifier,
      PullCredentials pullCredentials,
      VerifiedCache cache) {
    this(registry, registry, verifier, pullCredentials, cache);
  }

  private OciModelVerifier(
      RegistryClient baseRegistry,
      RegistryClient registry,
      ModelVerifier verifier,
      PullCredentials pullCredentials,
      VerifiedCache cache) {
    this.baseRegistry = baseRegistry;
    this.registry = registry;
    this.verifier = verifier;
    this.pullCredentials = pullCredentials;
    this.cache = cache;
  }

  /** Lookups of verified results (hits and misses), for the cache metric. */
  public VerifiedCache cache() {
    return cache;
  }

  /** Verifies with the workload's pull credentials (its imagePullSecrets and service account's). */
  public VerificationResult verify(
      OciReference ref, VerificationPolicy policy, Instant deadline, RegistryAccess access) {
    if (access.equals(RegistryAccess.NONE)) {
      return verify(ref, policy, deadline);
    }
    RegistryClient scoped;
    try {
      scoped = baseRegistry.withCredentials(pullCredentials.resolve(access));
    } catch (UnavailableException e) {
      return VerificationResult.failed(
          "oci://" + ref,
          List.of(
              Failure.of(
                  Reason.UNAVAILABLE,
                  "pull secrets of namespace %s cannot be read in time: %s",
                  access.namespace(),
                  e.getMessage())));
    } catch (RuntimeException e) {
      // Refused (RBAC), malformed, or a bug: not "did not answer in time", so onError: Allow must
      // not waive it.
      return VerificationResult.failed(
          "oci://" + ref,
          List.of(
              InternalFailures.of(
                  "reading the pull secrets of namespace " + access.namespace(), e)));
    }
    // Every part of the access (namespace, service account, pull secrets) decides what may be read.
    return new OciModelVerifier(baseRegistry, scoped, verifier, pullCredentials, cache)
        .verify(ref, policy, deadline, access.toString());
  }

  public VerificationResult verify(OciReference ref, VerificationPolicy policy, Instant deadline) {
    return verify(ref, policy, deadline, "");
  }

  /**
   * Answers from the cache without any registry request when it can: a digest reference whose
   * result is kept, or a tag resolved within the tag TTL whose digest's result is kept. Otherwise
   * one verification per key runs at a time, and concurrent reviews of the same model wait for it.
   * The digest in the result (what /mutate pins) is the digest that result was verified for.
   */
  private VerificationResult verify(
      OciReference ref, VerificationPolicy policy, Instant deadline, String accessKey) {
    String shown = "oci://" + ref;
    String repository = ref.registry() + "/" + ref.repository();
    VerifiedCache.TagKey tagKey =
        ref.digest() == null ? new VerifiedCache.TagKey(repository, ref.tag(), accessKey) : null;
    Optional<OciDigest> known = tagKey == null ? Optional.of(ref.digest()) : cache.tag(tagKey);
    if (known.isPresent()) {
      VerifiedCache.Key key =
          new VerifiedCache.Key(repository + "@" + known.get(), policy.identity(), accessKey);
      Optional<VerificationResult> hit = cache.result(key);
      if (hit.isPresent()) {
        return hit.get().withModel(shown, hit.get().resolvedDigest().orElseThrow());
      }
    }
    // Cold: a digest's verification is shared by its key; a tag's by the tag, until it is resolved.
    Object flight =
        tagKey == null || known.isPresent()
            ? new VerifiedCache.Key(repository + "@" + known.get(), policy.identity(), accessKey)
            : List.of(tagKey, policy.identity());
    return cache.verifyOnce(
        flight,
        shown,
        deadline,
        () -> cold(ref, shown, repository, tagKey, policy, deadline, accessKey));
  }

  private VerificationResult cold(
      OciReference ref,
      String shown,
      String repository,
      VerifiedCache.TagKey tagKey,
      VerificationPolicy policy,
      Instant deadline,
      String accessKey) {
    try {
      OciManifest m = modelManifest(ref, deadline);
      if (tagKey != null) {
        cache.rememberTag(tagKey, m.digest());
      }
      VerifiedCache.Key key =
          new VerifiedCache.Key(
              repository + "@" + (ref.digest() == null ? m.digest() : ref.digest()),
              policy.identity(),
              accessKey);
      Optional<VerificationResult> hit = cache.result(key);
      if (hit.isPresent()) {
        return hit.get().withModel(shown, m.digest().toString());
      }
      VerificationResult fresh =
          verifyManifest(shown, ref.withDigest(m.digest()), m, policy, deadline)
              .withModel(shown, m.digest().toString());
      cache.remember(key, fresh);
      return fresh;
    } catch (ModelGateException e) {
      return VerificationResult.failed(shown, List.of(e.toFailure()));
    }
  }

  private VerificationResult verifyManifest(
      String shown,
      OciReference pinned,
      OciManifest m,
      VerificationPolicy policy,
      Instant deadline) {
    try {
      ArtifactContents contents;
      long budget = policy.options().maxLayerDownloadBytes();
      Optional<byte[]> imageSignature = Optional.empty();
      if (ImageLayers.isContainerImage(m)) {
        if (budget == 0) {
          return VerificationResult.failed(
                  shown, List.of(ImageLayers.notDownloaded(m, policy.options().imageModelPath())))
              .withModel(shown, m.digest().toString());
        }
        ImageLayers.ModelDirectory dir =
            new ImageLayers(registry)
                .modelDirectory(pinned, m, policy.options().imageModelPath(), budget, deadline);
        contents = dir.contents();
        imageSignature = dir.signature();
      } else {
        contents = contents(m);
        if (budget > 0 && !contents.archives().isEmpty()) {
          contents = new ArchiveLayers(registry).download(pinned, m, contents, budget, deadline);
        }
      }
      // Listed once: signatures and attestations are both Sigstore-bundle referrers.
      List<Descriptor> referrers =
          registry.referrers(pinned, m.digest(), MediaTypes.SIGSTORE_BUNDLE, deadline);
      List<byte[]> bundles = bundles(pinned, m, referrers, deadline);
      if (bundles.isEmpty()) {
        imageSignature.ifPresent(bundles::add);
      }
      if (bundles.isEmpty()) {
        return VerificationResult.failed(
                shown,
                List.of(
                    Failure.of(
                        Reason.SIGNATURE_NOT_FOUND,
                        "no OMS signature found for %s: no Sigstore bundle referrer (referrers API or tag %s) and no model.sig %s",
                        m.digest(),
                        m.digest().referrersTag(),
                        ImageLayers.isContainerImage(m)
                            ? "in " + policy.options().imageModelPath()
                            : "layer")))
            .withModel(shown, m.digest().toString());
      }
      VerificationResult r = combine(shown, m.digest(), bundles, contents, policy);
      if (r.verified() && r.rootDigest().isPresent()) {
        r =
            r.withAttestations(
                AttestationCollector.check(
                    attestations(pinned, m, referrers, deadline),
                    Set.of(r.rootDigest().get().toString(), m.digest().toString()),
                    policy.authorities()));
      }
      return r;
    } catch (ModelGateException e) {
      return VerificationResult.failed(shown, List.of(e.toFailure()));
    }
  }

  /**
   * Verifies each bundle with threshold 1, then assigns distinct authorities to distinct bundles.
   */
  private VerificationResult combine(
      String shown,
      OciDigest digest,
      List<byte[]> bundles,
      ArtifactContents contents,
      VerificationPolicy policy) {
    VerificationPolicy any = new VerificationPolicy(policy.authorities(), 1, policy.options());
    VerificationResult best = null;
    Set<String> counted = new HashSet<>();
    List<Failure> failures = new ArrayList<>();
    for (byte[] bundle : bundles) {
      VerificationResult r = verifier.verifyArtifact(shown, bundle, contents, any);
      if (r.verified()) {
        r.authorities().stream()
            .filter(a -> !counted.contains(a))
            .findFirst()
            .ifPresent(counted::add);
        if (best == null) {
          best = r;
        }
      } else {
        failures.addAll(r.failures());
      }
    }
    if (best != null && counted.size() >= policy.threshold()) {
      return best.withModel(shown, digest.toString());
    }
    List<Failure> all = new ArrayList<>();
    if (policy.threshold() > 1) {
      all.add(
          Failure.of(
              Reason.THRESHOLD_NOT_MET,
              "%d of %d required authorities signed%s",
              counted.size(),
              policy.threshold(),
              counted.isEmpty() ? "" : " (" + String.join(", ", counted) + ")"));
    }
    all.addAll(failures);
    if (all.isEmpty()) {
      all.add(
          Failure.of(
              Reason.THRESHOLD_NOT_MET,
              "%d of %d required authorities signed",
              counted.size(),
              policy.threshold()));
    }
    return VerificationResult.failed(shown, all).withModel(shown, digest.toString());
  }

  private OciManifest modelManifest(OciReference ref, Instant deadline) {
    RegistryClient.FetchedManifest f = registry.manifest(ref, deadline);
    if (ManifestParser.isIndex(f.digest(), f.mediaType(), f.bytes())) {
      Descriptor chosen = chooseFromIndex(ManifestParser.indexEntries(f.bytes()), ref);
      f = registry.manifest(ref.withDigest(chosen.digest()), deadline);
    }
    return ManifestParser.manifest(f.digest(), f.mediaType(), f.bytes());
  }

  /**
   * BuildKit's provenance and SBOM manifests in an image index (platform unknown/unknown): no
   * runtime pulls them, so they are not the model; {@code docker buildx build --push} adds one to
   * every single-platform modelcar it pushes.
   */
  static final String DOCKER_REFERENCE_TYPE = "vnd.docker.reference.type";

  /**
   * Deterministic: the first entry typed as a model (ModelPack, either prefix), else the only entry
   * a runtime could pull (BuildKit attestation manifests left out). Several platform images are
   * refused: which one a node pulls is not known here.
   */
  private static Descriptor chooseFromIndex(List<Descriptor> entries, OciReference ref) {
    for (Descriptor d : entries) {
      if (d.artifactType().endsWith(".model.manifest.v1+json")) {
        return d;
      }
    }
    List<Descriptor> runnable =
        entries.stream()
            .filter(d -> !"attestation-manifest".equals(d.annotations().get(DOCKER_REFERENCE_TYPE)))
            .toList();
    if (runnable.size() == 1) {
      return runnable.get(0);
    }
    throw new InvalidInputException(
        Reason.REGISTRY_CONTENT_INVALID,
        "oci://"
            + ref
            + " is an index of "
            + runnable.size()
            + " manifests and none is a model (artifactType *.model.manifest.v1+json)"
            + (runnable.size() > 1
                ? "; a node pulls the one for its platform, so reference that manifest by digest"
                : ""));
  }

  static ArtifactContents contents(OciManifest m) {
    Map<RelativePath, Digest> raw = new LinkedHashMap<>();
    List<RelativePath> archives = new ArrayList<>();
    List<Failure> problems = new ArrayList<>();
    Map<RelativePath, Integer> seen = new HashMap<>();
    for (int i = 0; i < m.layers().size(); i++) {
      Descriptor l = m.layers().get(i);
      String name = layerName(l);
      if (name == null) {
        problems.add(
            Failure.of(
                Reason.UNSIGNED_FILE,
                "layer %d (%s) names no file (no %s annotation), so it cannot be matched to the signature",
                i,
                l.digest(),
                PATH_ANNOTATIONS.get(0)));
        continue;
      }
      RelativePath path;
      try {
        path = RelativePath.parse(name);
      } catch (InvalidInputException e) {
        problems.add(Failure.about(Reason.PATH_UNSAFE, name, "layer %d: %s", i, e.getMessage()));
        continue;
      }
      if (seen.put(path, i) != null) {
        problems.add(
            Failure.about(
                Reason.DUPLICATE_RESOURCE,
                path,
                "layers %d and %d both claim file '%s'",
                seen.get(path),
                i,
                path));
        continue;
      }
      if (isArchive(l.mediaType())) {
        archives.add(path);
      } else if (!l.digest().algorithm().equals("sha256")) {
        problems.add(
            Failure.about(
                Reason.LAYER_NOT_VERIFIABLE,
                path,
                "layer for '%s' has a %s digest; signatures carry sha256",
                path,
                l.digest().algorithm()));
      } else {
        raw.put(path, Digest.fromHex(HashAlgorithm.SHA256, l.digest().hex()));
      }
    }
    return new ArtifactContents(raw, archives, problems);
  }

  /**
   * The file path a layer's annotations give, without a leading "./", or null when none does. Every
   * place that maps layers to paths goes through here, so they cannot disagree about a layer.
   */
  static String layerName(Descriptor l) {
    String name =
        PATH_ANNOTATIONS.stream()
            .map(l.annotations()::get)
            .filter(v -> v != null && !v.isEmpty())
            .findFirst()
            .orElse(null);
    return name != null && name.startsWith("./") ? name.substring(2) : name;
  }

  /** Most OMS signature referrers read for one manifest. */
  static final int MAX_SIGNATURE_REFERRERS = 16;

  static boolean isArchive(String mediaType) {
    return mediaType.contains(".tar")
        || mediaType.contains("tar+")
        || mediaType.endsWith("+gzip")
        || mediaType.endsWith("+zstd")
        || mediaType.endsWith(".gzip")
        || mediaType.endsWith(".zstd");
  }

  /** Bundle referrers whose annotated predicate type is not OMS's: attestations. */
  private List<AttestationCollector.Source> attestations(
      OciReference pinned, OciManifest m, List<Descriptor> referrers, Instant deadline) {
    List<AttestationCollector.Source> out = new ArrayList<>();
    for (Descriptor d : referrers) {
      String predicate = d.annotations().getOrDefault(MediaTypes.BUNDLE_PREDICATE_TYPE, "");
      if (predicate.isEmpty()
          || predicate.equals(PredicateKind.SIGNATURE_V1.uri())
          || out.size() >= AttestationCollector.MAX_ATTESTATIONS) {
        continue;
      }
      RegistryClient.FetchedManifest rf =
          registry.manifest(pinned.withDigest(d.digest()), deadline);
      OciManifest referrer = ManifestParser.manifest(rf.digest(), rf.mediaType(), rf.bytes());
      if (referrer.subject().isEmpty() || !referrer.subject().get().digest().equals(m.digest())) {
        continue;
      }
      for (Descriptor layer : referrer.layers()) {
        if (layer.mediaType().equals(MediaTypes.SIGSTORE_BUNDLE)) {
          out.add(
              new AttestationCollector.Source(
                  "oci referrer " + d.digest(),
                  registry.blob(pinned, layer.digest(), Limits.MAX_BUNDLE_BYTES, deadline)));
        }
      }
    }
    return out;
  }

  /** The OMS bundles for a manifest: referrers first, then a model.sig layer. */
  private List<byte[]> bundles(
      OciReference pinned, OciManifest m, List<Descriptor> referrers, Instant deadline) {
    List<byte[]> out = new ArrayList<>();
    int signatureReferrers = 0;
    for (Descriptor d : referrers) {
      String predicate = d.annotations().getOrDefault(MediaTypes.BUNDLE_PREDICATE_TYPE, "");
      if (!predicate.isEmpty()
          && !predicate.equals(PredicateKind.SIGNATURE_V1.uri())
          && !predicate.equals(PredicateKind.LEGACY_DIGESTS_V01.uri())) {
        continue;
      }
      // Each is fetched (up to 16 MiB) and verified on the admission path: bound how many.
      if (++signatureReferrers > MAX_SIGNATURE_REFERRERS) {
        throw new InvalidInputException(
            Reason.LIMIT_EXCEEDED,
            m.digest()
                + " has more than "
                + MAX_SIGNATURE_REFERRERS
                + " signature referrers; ModelGate reads at most that many");
      }
      RegistryClient.FetchedManifest rf =
          registry.manifest(pinned.withDigest(d.digest()), deadline);
      OciManifest referrer = ManifestParser.manifest(rf.digest(), rf.mediaType(), rf.bytes());
      if (referrer.subject().isEmpty() || !referrer.subject().get().digest().equals(m.digest())) {
        throw new InvalidInputException(
            Reason.REGISTRY_CONTENT_INVALID,
            "signature referrer "
                + d.digest()
                + " is for "
                + referrer.subject().map(s -> s.digest().toString()).orElse("no subject")
                + ", not for "
                + m.digest());
      }
      for (Descriptor layer : referrer.layers()) {
        if (layer.mediaType().equals(MediaTypes.SIGSTORE_BUNDLE)) {
          out.add(registry.blob(pinned, layer.digest(), Limits.MAX_BUNDLE_BYTES, deadline));
        }
      }
    }
    if (out.isEmpty()) {
      for (Descriptor l : m.layers()) {
        if (ArtifactContentCheck.SIGNATURE_LAYER.value().equals(layerName(l))
            && !isArchive(l.mediaType())) {
          out.add(registry.blob(pinned, l.digest(), Limits.MAX_BUNDLE_BYTES, deadline));
        }
      }
    }
    return out;
  }
}
