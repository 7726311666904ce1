package dev.modelgate.oms;

import dev.modelgate.core.Bytes;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/** What a bundle offers to identify its signer: one of three shapes, by signing method. */
public sealed interface VerificationMaterial {

  /** A short name for messages: the bundle field that held the material. */
  String field();

  /**
   * {@code publicKey}: a key hint (v1.1+, sha256 of the PEM text) or, before v1.1.0, the PEM text
   * itself in {@code rawBytes}. Either may be empty; trust comes from the configured key only.
   */
  record PublicKey(String hint, Bytes rawBytes) implements VerificationMaterial {
    public PublicKey {
      Objects.requireNonNull(hint, "hint");
      Objects.requireNonNull(rawBytes, "rawBytes");
    }

    @Override
    public String field() {
      return "publicKey";
    }
  }

  /** {@code x509CertificateChain}: the signing certificate first, then intermediates. */
  record CertificateChain(List<X509Certificate> certificates) implements VerificationMaterial {
    public CertificateChain {
      certificates = List.copyOf(certificates);
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("a certificate chain needs at least one certificate");
      }
    }

    public X509Certificate leaf() {
      return certificates.get(0);
    }

    @Override
    public String field() {
      return "x509CertificateChain";
    }
  }

  /**
   * {@code certificate} plus transparency-log entries: Sigstore keyless. The keyless verifier reads
   * the log entries and timestamps from the bundle JSON, kept here byte for byte.
   */
  record Keyless(X509Certificate certificate, int tlogEntryCount, Bytes bundleJson)
      implements VerificationMaterial {
    public Keyless {
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(bundleJson, "bundleJson");
    }

    @Override
    public String field() {
      return "certificate";
    }
  }
}
