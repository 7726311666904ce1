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
 * Finds the Sigstore bundles that refer to a manifest, where the tools that attach them put them:
 *
 * <ul>
 *   <li>referrers (OCI distribution-spec 1.1, "Listing Referrers": the referrers API, or when the
 *       registry has none (404) the {@code sha256-<hex>} tag schema) of artifact type {@link
 *       MediaTypes#SIGSTORE_BUNDLE} (cosign's bundle spec, {@code modelgate push}) or {@link
 *       MediaTypes#MODEL_SIGNING_SIGNATURE} (rh-model-signing's referrers mode: its config type,
 *       exactly one bundle layer);
 *   <li>when those hold no signature, rh-model-signing's tag mode: the manifest at {@code
 *       sha256-<hex>.sig} marked with {@link MediaTypes#MODEL_SIGNING_ARTIFACT_TYPE} (a cosign
 *       signature at that tag is not an OMS signature and is passed over).
 * </ul>
 *
 * Each listed Sigstore-bundle referrer is sorted by the predicate type its annotation claims
 * ({@link MediaTypes#BUNDLE_PREDICATE_TYPE}): one of {@code signatureTypes}, or none, is a
 * signature; any other is an attestation. rh-model-signing's are signatures.
 *
 * <p>One rule for a referrer whose manifest's {@code subject} is missing or another manifest: it is
 * refused, and with it the whole answer ({@link Reason#REGISTRY_CONTENT_INVALID}, naming both
 * digests). A registry that lists it is either broken or lying about what refers to what. The
 * tag-mode manifest has no subject (rh-model-signing writes none; its tag names the manifest); if
 * it has one, it must be this manifest. Which model a bundle's statement describes is decided later
 * from the statement itself.
 *
 * <p>Bounds: at most {@link #MAX_SIGNATURE_REFERRERS} signatures (more is {@link
 * Reason#LIMIT_EXCEEDED}: each is fetched and verified on the admission path), at most {@link
 * #MAX_ATTESTATION_REFERRERS} attestations (the rest are not read), every bundle at most the bundle
 * size limit. Knows nothing about what a bundle says. Thread-safe.
 */
public final class ReferrerDiscovery {
  public static final int MAX_SIGNATURE_REFERRERS = 16;
  public static final int MAX_ATTESTATION_REFERRERS = 64;

  /** The artifact types of referrers that hold a Sigstore bundle. */
  static final Set<String> BUNDLE_ARTIFACT_TYPES =
      Set.of(MediaTypes.SIGSTORE_BUNDLE, MediaTypes.MODEL_SIGNING_SIGNATURE);

  private final RegistryClient registry;
  private final Set<String> signatureTypes;

  /**
   * @param signatureTypes the predicate types that mark a referrer as a signature of the manifest
   */
  public ReferrerDiscovery(RegistryClient registry, Set<String> signatureTypes) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.signatureTypes = Set.copyOf(signatureTypes);
  }

  /** The tag rh-model-signing's tag mode stores a signature of {@code subject} under. */
  public static String signatureTag(OciDigest subject) {
    return subject.referrersTag() + ".sig";
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
    if (signatures.isEmpty()) {
      taggedSignature(pinned, subject, deadline).ifPresent(signatures::add);
    }
    return new Referrers(signatures, attestations);
  }

  /** The listed referrers that hold Sigstore bundles: the API's answer, else the tag's index. */
  private List<Descriptor> listed(OciReference pinned, OciDigest subject, Instant deadline) {
    Optional<byte[]> index = registry.referrersIndex(pinned, subject, deadline);
    if (index.isEmpty()) {
      index = registry.indexAtTag(pinned, subject.referrersTag(), deadline);
    }
    if (index.isEmpty()) {
      return List.of();
    }
    return ManifestParser.indexEntries(index.get()).stream()
        .filter(d -> BUNDLE_ARTIFACT_TYPES.contains(d.artifactType()))
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
    if (listed.artifactType().equals(MediaTypes.MODEL_SIGNING_SIGNATURE)) {
      String where = "model-signing referrer " + listed.digest();
      if (!referrer.artifactType().equals(MediaTypes.MODEL_SIGNING_SIGNATURE)) {
        throw invalid(
            where,
            "is listed as " + MediaTypes.MODEL_SIGNING_SIGNATURE,
            "has artifactType '" + referrer.artifactType() + "'");
      }
      if (!referrer.config().mediaType().equals(MediaTypes.MODEL_SIGNING_CONFIG)) {
        throw invalid(
            where,
            "needs config " + MediaTypes.MODEL_SIGNING_CONFIG,
            "has '" + referrer.config().mediaType() + "'");
      }
      return List.of(
          new ReferrerBundle(
              listed.digest(), claimed, onlyBundle(pinned, referrer, where, deadline)));
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

  /**
   * rh-model-signing's tag mode ({@code _oci/attachment.py} {@code TagAttachment}, 72c50021): a
   * manifest at {@code sha256-<hex>.sig} with the model-signing annotation and one bundle layer.
   */
  private Optional<ReferrerBundle> taggedSignature(
      OciReference pinned, OciDigest subject, Instant deadline) {
    String tag = signatureTag(subject);
    Optional<RegistryClient.FetchedManifest> fetched =
        registry.manifestIfPresent(pinned.withTag(tag), deadline);
    if (fetched.isEmpty()) {
      return Optional.empty();
    }
    RegistryClient.FetchedManifest f = fetched.get();
    if (ManifestParser.isIndex(f.digest(), f.mediaType(), f.bytes())) {
      return Optional.empty();
    }
    OciManifest m = ManifestParser.manifest(f.digest(), f.mediaType(), f.bytes());
    boolean modelSigning =
        MediaTypes.MODEL_SIGNING_SIGNATURE.equals(
                m.annotations().get(MediaTypes.MODEL_SIGNING_ARTIFACT_TYPE))
            || m.artifactType().equals(MediaTypes.MODEL_SIGNING_SIGNATURE);
    if (!modelSigning) {
      return Optional.empty();
    }
    String where = "model-signing signature at tag " + tag + " (" + f.digest() + ")";
    if (m.subject().isPresent() && !m.subject().get().digest().equals(subject)) {
      throw invalid(
          where, "must be about " + subject, "names subject " + m.subject().get().digest());
    }
    return Optional.of(new ReferrerBundle(f.digest(), "", onlyBundle(pinned, m, where, deadline)));
  }

  /** The one Sigstore bundle layer rh-model-signing writes into a signature manifest. */
  private Bytes onlyBundle(OciReference pinned, OciManifest m, String where, Instant deadline) {
    if (m.layers().size() != 1
        || !m.layers().get(0).mediaType().equals(MediaTypes.SIGSTORE_BUNDLE)) {
      throw invalid(
          where,
          "needs exactly one layer of type " + MediaTypes.SIGSTORE_BUNDLE,
          "has "
              + m.layers().size()
              + " layer(s)"
              + (m.layers().isEmpty() ? "" : " of type '" + m.layers().get(0).mediaType() + "'"));
    }
    return Bytes.copyOf(
        registry.blob(pinned, m.layers().get(0).digest(), Limits.MAX_BUNDLE_BYTES, deadline));
  }

  private static InvalidInputException invalid(String where, String expected, String found) {
    return new InvalidInputException(
        Reason.REGISTRY_CONTENT_INVALID, where + " " + expected + ", but " + found);
  }
}
