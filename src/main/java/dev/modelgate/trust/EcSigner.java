package dev.modelgate.trust;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.BundleWriter;
import dev.modelgate.oms.DsseEnvelope;
import dev.modelgate.oms.Pae;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

/**
 * Signs OMS payloads with an EC private key and wraps them in a bundle: with the key's hint (key
 * method) or with a certificate chain whose first certificate must hold the matching public key
 * (certificate method).
 */
public final class EcSigner {
  private final KeyPair keys;
  private final EcCurve curve;

  public EcSigner(KeyPair keys) {
    this.keys = keys;
    this.curve = EcCurve.of(keys.getPublic());
  }

  public byte[] signWithKey(byte[] payload) {
    return BundleWriter.withPublicKeyHint(
        PublicKeyHint.of(keys.getPublic()), payload, sign(payload));
  }

  public byte[] signWithCertificates(List<X509Certificate> chain, byte[] payload) {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("the certificate method needs a signing certificate");
    }
    if (!Arrays.equals(chain.get(0).getPublicKey().getEncoded(), keys.getPublic().getEncoded())) {
      throw new InvalidInputException(
          Reason.KEY_MISMATCH,
          "the signing certificate '"
              + chain.get(0).getSubjectX500Principal().getName()
              + "' does not hold the public key of the given private key");
    }
    return BundleWriter.withCertificateChain(chain, payload, sign(payload));
  }

  private byte[] sign(byte[] payload) {
    try {
      Signature s = Signature.getInstance(curve.jcaSignatureAlgorithm());
      s.initSign(keys.getPrivate());
      s.update(Pae.encode(DsseEnvelope.IN_TOTO_PAYLOAD_TYPE, payload));
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing failed", e);
    }
  }
}
