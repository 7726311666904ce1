package dev.modelgate.trust;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;

/**
 * The elliptic curves OMS allows, each with the hash the reference pairs it with (model_signing
 * {@code sign_ec_key.py}: P-256/SHA-256, P-384/SHA-384, P-521/SHA-512). No RSA, no Ed25519.
 */
public enum EcCurve {
  P256(256, "SHA256withECDSA"),
  P384(384, "SHA384withECDSA"),
  P521(521, "SHA512withECDSA");

  private final int fieldBits;
  private final String jcaSignatureAlgorithm;

  EcCurve(int fieldBits, String jcaSignatureAlgorithm) {
    this.fieldBits = fieldBits;
    this.jcaSignatureAlgorithm = jcaSignatureAlgorithm;
  }

  public String jcaSignatureAlgorithm() {
    return jcaSignatureAlgorithm;
  }

  /** The curve of a key, or {@link Reason#KEY_UNSUPPORTED} for any other key type or curve. */
  public static EcCurve of(PublicKey key) {
    if (!(key instanceof ECPublicKey)) {
      throw new InvalidInputException(
          Reason.KEY_UNSUPPORTED,
          "key type " + key.getAlgorithm() + " is not supported; OMS keys are EC P-256, P-384 or P-521");
    }
    int bits = ((ECPublicKey) key).getParams().getCurve().getField().getFieldSize();
    for (EcCurve c : values()) {
      if (c.fieldBits == bits) {
        return c;
      }
    }
    throw new InvalidInputException(
        Reason.KEY_UNSUPPORTED, "EC key of " + bits + " bits is not supported; use P-256, P-384 or P-521");
  }
}
