package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.InternalFailures;
import dev.modelgate.core.Limits;
import dev.modelgate.core.ModelGateException;
import dev.modelgate.core.Reason;
import dev.modelgate.core.UnavailableException;
import dev.modelgate.oci.Descriptor;
import dev.modelgate.oci.ManifestResolver;
import dev.modelgate.oci.OciDigest;
import dev.modelgate.oci.OciManifest;
import dev.modelgate.oci.OciReference;
import dev.modelgate.oci.ReferrerDiscovery;
import dev.modelgate.oci.Referrers;
import dev.modelgate.oci.RegistryClient;
import dev.modelgate.oms.PredicateKind;
import dev.modelgate.source.RegistryAccess;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies a model published as an OCI artifact without downloading its weights, in this order: the
 * cache; the manifest ({@link ManifestResolver}: tag to digest, index to its model manifest); the
 * bundles that refer to it ({@link ReferrerDiscovery}: signatures and attestations), else a {@code
 * model.sig} layer; the {@link ModelVerifier}'s steps against what the manifest alone tells (the
 * files of raw layers, {@link ArtifactLayers}, and the manifest's own entries for a statement that
 * describes the manifest, {@link ManifestEntries}); only if that does not decide, the layers it
 * cannot (archives; for a container image used as a model, a modelcar, its model directory with the
 * layers applied, {@link ImageLayers}), downloaded where the policy allows it, and the steps again;
 * attestations through the same steps. The threshold counts distinct authorities, one bundle for
 * one authority.
 */
public final class OciModelVerifier {
  /** The predicate types a referrer claims for an OMS signature (current and legacy). */
  static final Set<String> SIGNATURE_TYPES =
      Set.of(PredicateKind.SIGNATURE_V1.uri(), PredicateKind.LEGACY_DIGESTS_V01.uri());

  /** A container image's files, before its layers are downloaded: none known. */
  private static final ArtifactContents NO_FILES =
      new ArtifactContents(Map.of(), List.of(), List.of());

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

  /**
   * Verifies the model in the registry against a bundle the caller has ({@code verify oci://…
   * --signature FILE}: the model_signing Go port and {@code rh-model-signing --output-mode file}
   * write the bundle to a file and attach nothing). Only that bundle is read as a signature; the
   * manifest is resolved and checked as always. Not cached: the cache keys know no local bundle.
   */
  public VerificationResult verifyWithSignature(
      OciReference ref, byte[] bundle, VerificationPolicy policy, Instant deadline) {
    String shown = "oci://" + ref;
    try {
      OciManifest m = new ManifestResolver(registry).resolve(ref, deadline);
      return verifyManifest(shown, ref.withDigest(m.digest()), m, policy, deadline, bundle)
          .withModel(shown, m.digest().toString());
    } catch (ModelGateException e) {
      return VerificationResult.failed(shown, List.of(e.toFailure()));
    }
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
      OciManifest m = new ManifestResolver(registry).resolve(ref, deadline);
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
          verifyManifest(shown, ref.withDigest(m.digest()), m, policy, deadline, null)
              .withModel(shown, m.digest().toString());
      cache.remember(key, fresh);
      return fresh;
    } catch (ModelGateException e) {
      return VerificationResult.failed(shown, List.of(e.toFailure()));
    }
  }

  /**
   * @param localBundle the one signature to read, or null to find the registry's
   */
  private VerificationResult verifyManifest(
      String shown,
      OciReference pinned,
      OciManifest m,
      VerificationPolicy policy,
      Instant deadline,
      byte[] localBundle) {
    try {
      boolean image = ImageLayers.isContainerImage(m);
      long budget = policy.options().maxLayerDownloadBytes();
      ManifestEntries described = ManifestEntries.of(m);
      Referrers referrers =
          localBundle != null
              ? Referrers.NONE
              : new ReferrerDiscovery(registry, SIGNATURE_TYPES)
                  .discover(pinned, m.digest(), deadline);
      List<byte[]> bundles = new ArrayList<>();
      if (localBundle != null) {
        bundles.add(localBundle);
      }
      referrers.signatures().forEach(b -> bundles.add(b.bundle().toArray()));
      if (bundles.isEmpty()) {
        bundles.addAll(signatureLayers(pinned, m, deadline));
      }
      ArtifactContents contents = image ? NO_FILES : ArtifactLayers.contents(m);
      boolean download = image || !contents.archives().isEmpty();
      // First from the manifest alone: a statement of the manifest, or of raw files, needs no
      // layer; only what that cannot decide is downloaded, where the policy allows it.
      VerificationResult fromManifest = null;
      if (!bundles.isEmpty()) {
        fromManifest = verifier.verifyArtifact(shown, bundles, contents, described, policy);
        if (fromManifest.verified()) {
          return withAttestations(fromManifest, referrers, m, policy);
        }
      }
      if (!download || budget == 0) {
        if (image && (fromManifest == null || !ManifestEntries.isAbout(fromManifest))) {
          return VerificationResult.failed(
              shown, List.of(ImageLayers.notDownloaded(m, policy.options().imageModelPath())));
        }
        return fromManifest != null ? fromManifest : notFound(shown, m, policy);
      }
      if (image) {
        ImageLayers.ModelDirectory dir =
            new ImageLayers(registry)
                .modelDirectory(pinned, m, policy.options().imageModelPath(), budget, deadline);
        contents = dir.contents();
        if (bundles.isEmpty()) {
          dir.signature().ifPresent(bundles::add);
        }
      } else {
        contents = new ArchiveLayers(registry).download(pinned, m, contents, budget, deadline);
      }
      if (bundles.isEmpty()) {
        return notFound(shown, m, policy);
      }
      VerificationResult r = verifier.verifyArtifact(shown, bundles, contents, described, policy);
      if (image && r.verified() && !ManifestEntries.isAbout(r)) {
        // Only the model directory was verified: the pod may mount only it (admission checks).
        r = r.withImageDirectory(policy.options().imageModelPath());
      }
      return r.verified() ? withAttestations(r, referrers, m, policy) : r;
    } catch (ModelGateException e) {
      return VerificationResult.failed(shown, List.of(e.toFailure()));
    }
  }

  private static VerificationResult notFound(
      String shown, OciManifest m, VerificationPolicy policy) {
    return VerificationResult.failed(
        shown,
        List.of(
            Failure.of(
                Reason.SIGNATURE_NOT_FOUND,
                "no OMS signature found for %s: no signature referrer (referrers API or tag %s), no signature at tag %s and no model.sig %s",
                m.digest(),
                m.digest().referrersTag(),
                ReferrerDiscovery.signatureTag(m.digest()),
                ImageLayers.isContainerImage(m)
                    ? "in " + policy.options().imageModelPath()
                    : "layer")));
  }

  private VerificationResult withAttestations(
      VerificationResult r, Referrers referrers, OciManifest m, VerificationPolicy policy) {
    if (r.rootDigest().isEmpty()) {
      return r;
    }
    List<AttestationSource> attestations =
        referrers.attestations().stream()
            .map(b -> new AttestationSource("oci referrer " + b.referrer(), b.bundle()))
            .toList();
    return r.withAttestations(
        verifier.attestations(
            attestations, Set.of(r.rootDigest().get().toString(), m.digest().toString()), policy));
  }

  /** A {@code model.sig} layer in the artifact itself, used when no referrer signs it. */
  private List<byte[]> signatureLayers(OciReference pinned, OciManifest m, Instant deadline) {
    List<byte[]> out = new ArrayList<>();
    for (Descriptor l : m.layers()) {
      if (ArtifactContentCheck.SIGNATURE_LAYER.value().equals(ArtifactLayers.layerName(l))
          && !ArtifactLayers.isArchive(l.mediaType())) {
        out.add(registry.blob(pinned, l.digest(), Limits.MAX_BUNDLE_BYTES, deadline));
      }
    }
    return out;
  }
}
