package dev.modelgate.oci;

import dev.modelgate.core.Bytes;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Limits;
import dev.modelgate.core.Reason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the Sigstore bundles that refer to a manifest (OCI distribution-spec 1.1, "Listing
 * Referrers"): the referrers API, or when the registry has none (404) the {@code sha256-<hex>} tag
 * schema; neither means no referrers. Each listed referrer is sorted by the predicate type its
 * annotation claims ({@link MediaTypes#BUNDLE_PREDICATE_TYPE}, cosign's bundle spec): one of {@code
 * signatureTypes}, or none, is a signature; any other is an attestation.
 *
 * <p>One rule for a referrer whose manifest's {@code subject} is missing or another manifest: it is
 * refused, and with it the whole answer ({@link Reason#REGISTRY_CONTENT_INVALID}, naming both
 * digests). A registry that lists it is either broken or lying about what refers to what.
 *
 * <p>Bounds: at most {@link #MAX_SIGNATURE_REFERRERS} signatures (more is {@link
 * Reason#LIMIT_EXCEEDED}: each is fetched and verified on the admission path), at most {@link
 * #MAX_ATTESTATION_REFERRERS} attestations (the rest are not read), every bundle at most the bundle
 * size limit. Knows nothing about what a bundle says. Thread-safe.
 */
public final class ReferrerDiscovery {
  public static final int MAX_SIGNATURE_REFERRERS = 16;
  public static final int MAX_ATTESTATION_REFERRERS = 64;

  private final RegistryClient registry;
  private final Set<String> signatureTypes;

  /**
   * @param signatureTypes the predicate types that mark a referrer as a signature of the manifest
   */
  public ReferrerDiscovery(RegistryClient registry, Set<String> signatureTypes) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.signatureTypes = Set.copyOf(signatureTypes);
  }

  /** The bundles referring to {@code subject}, a manifest in {@code pinned}'s repository. */
  public Referrers discover(OciReference pinned, OciDigest subject, Instant deadline) {
    List<ReferrerBundle> signatures = new ArrayList<>();
    List<ReferrerBundle> attestations = new ArrayList<>();
    int signatureReferrers = 0;
    for (Descriptor d : listed(pinned, subject, deadline)) {
      String claimed = d.annotations().getOrDefault(MediaTypes.BUNDLE_PREDICATE_TYPE, "");
      boolean signature = claimed.isEmpty() || signatureTypes.contains(claimed);
      if (signature && ++signatureReferrers > MAX_SIGNATURE_REFERRERS) {
        throw new InvalidInputException(
            Reason.LIMIT_EXCEEDED,
            subject
                + " has more than "
                + MAX_SIGNATURE_REFERRERS
                + " signature referrers; ModelGate reads at most that many");
      }
      if (!signature && attestations.size() >= MAX_ATTESTATION_REFERRERS) {
        continue;
      }
      (signature ? signatures : attestations)
          .addAll(bundles(pinned, subject, d, claimed, signature, deadline));
    }
    return new Referrers(signatures, attestations);
  }

  /** The listed referrers that are Sigstore bundles: the API's answer, else the tag's index. */
  private List<Descriptor> listed(OciReference pinned, OciDigest subject, Instant deadline) {
    Optional<byte[]> index =
        registry.referrersIndex(pinned, subject, MediaTypes.SIGSTORE_BUNDLE, deadline);
    if (index.isEmpty()) {
      index = registry.indexAtTag(pinned, subject.referrersTag(), deadline);
    }
    if (index.isEmpty()) {
      return List.of();
    }
    // Filtered here too: a registry may ignore the artifactType filter, and a tag index has none.
    return ManifestParser.indexEntries(index.get()).stream()
        .filter(d -> d.artifactType().equals(MediaTypes.SIGSTORE_BUNDLE))
        .toList();
  }

  private List<ReferrerBundle> bundles(
      OciReference pinned,
      OciDigest subject,
      Descriptor listed,
      String claimed,
      boolean signature,
      Instant deadline) {
    RegistryClient.FetchedManifest f =
        registry.manifest(pinned.withDigest(listed.digest()), deadline);
    OciManifest referrer = ManifestParser.manifest(f.digest(), f.mediaType(), f.bytes());
    if (referrer.subject().isEmpty() || !referrer.subject().get().digest().equals(subject)) {
      throw new InvalidInputException(
          Reason.REGISTRY_CONTENT_INVALID,
          (signature ? "signature" : "attestation")
              + " referrer "
              + listed.digest()
              + " is for "
              + referrer.subject().map(s -> s.digest().toString()).orElse("no subject")
              + ", not for "
              + subject);
    }
    List<ReferrerBundle> out = new ArrayList<>();
    for (Descriptor layer : referrer.layers()) {
      if (layer.mediaType().equals(MediaTypes.SIGSTORE_BUNDLE)) {
        byte[] bytes = registry.blob(pinned, layer.digest(), Limits.MAX_BUNDLE_BYTES, deadline);
        out.add(new ReferrerBundle(listed.digest(), claimed, Bytes.copyOf(bytes)));
      }
    }
    return out;
  }
}
