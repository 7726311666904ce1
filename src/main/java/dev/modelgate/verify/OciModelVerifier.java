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
import java.util.Optional;
import java.util.Set;

/**
 * Verifies a model published as an OCI artifact without downloading its weights, in this order: the
 * cache; the manifest ({@link ManifestResolver}: tag to digest, index to its model manifest); the
 * files its layers hold ({@link ArtifactLayers}; for a container image used as a model, a modelcar,
 * its model directory with the layers applied, {@link ImageLayers}, only where the policy allows
 * downloading them); the bundles that refer to it ({@link ReferrerDiscovery}: signatures and
 * attestations), else a {@code model.sig} layer; then the {@link ModelVerifier}'s steps, and
 * attestations through the same steps. The threshold counts distinct authorities, one bundle for
 * one authority.
 */
public final class OciModelVerifier {
  /** The predicate types a referrer claims for an OMS signature (current and legacy). */
  static final Set<String> SIGNATURE_TYPES =
      Set.of(PredicateKind.SIGNATURE_V1.uri(), PredicateKind.LEGACY_DIGESTS_V01.uri());

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
              shown, List.of(ImageLayers.notDownloaded(m, policy.options().imageModelPath())));
        }
        ImageLayers.ModelDirectory dir =
            new ImageLayers(registry)
                .modelDirectory(pinned, m, policy.options().imageModelPath(), budget, deadline);
        contents = dir.contents();
        imageSignature = dir.signature();
      } else {
        contents = ArtifactLayers.contents(m);
        if (budget > 0 && !contents.archives().isEmpty()) {
          contents = new ArchiveLayers(registry).download(pinned, m, contents, budget, deadline);
        }
      }
      Referrers referrers =
          new ReferrerDiscovery(registry, SIGNATURE_TYPES).discover(pinned, m.digest(), deadline);
      List<byte[]> bundles = new ArrayList<>();
      referrers.signatures().forEach(b -> bundles.add(b.bundle().toArray()));
      if (bundles.isEmpty()) {
        bundles.addAll(signatureLayers(pinned, m, deadline));
      }
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
                        : "layer")));
      }
      VerificationResult r = verifier.verifyArtifact(shown, bundles, contents, policy);
      if (!r.verified() || r.rootDigest().isEmpty()) {
        return r;
      }
      List<AttestationSource> attestations =
          referrers.attestations().stream()
              .map(b -> new AttestationSource("oci referrer " + b.referrer(), b.bundle()))
              .toList();
      return r.withAttestations(
          verifier.attestations(
              attestations,
              Set.of(r.rootDigest().get().toString(), m.digest().toString()),
              policy));
    } catch (ModelGateException e) {
      return VerificationResult.failed(shown, List.of(e.toFailure()));
    }
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
