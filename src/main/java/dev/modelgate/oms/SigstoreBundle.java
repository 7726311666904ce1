package dev.modelgate.oms;

import java.util.Objects;

/**
 * A Sigstore bundle v0.3 carrying a DSSE envelope, as OMS writes it ({@code model.sig}). Parsed by
 * {@link BundleParser}; nothing in it is trusted yet.
 *
 * @param digest {@code sha256:<hex>} of the exact bytes parsed (what a bill of materials names the
 *     signature by); "" for a bundle built in code
 */
public record SigstoreBundle(
    String mediaType, VerificationMaterial material, DsseEnvelope envelope, String digest) {
  public static final String MEDIA_TYPE_V03 = "application/vnd.dev.sigstore.bundle.v0.3+json";

  /** The same version written as a media-type parameter, which the Sigstore spec also allows. */
  public static final String MEDIA_TYPE_V03_ALT =
      "application/vnd.dev.sigstore.bundle+json;version=0.3";

  public SigstoreBundle {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(material, "material");
    Objects.requireNonNull(envelope, "envelope");
    Objects.requireNonNull(digest, "digest");
  }

  /** A bundle built in code, whose bytes are not known. */
  public SigstoreBundle(String mediaType, VerificationMaterial material, DsseEnvelope envelope) {
    this(mediaType, material, envelope, "");
  }
}
