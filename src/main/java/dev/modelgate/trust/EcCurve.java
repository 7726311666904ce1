package dev.modelgate.trust;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;

/**
 * The elliptic curves OMS allows, each with the hash the reference pairs it with (model_signing
 * {@code sign_ec_key.py}: P-256/SHA-256, P-384/SHA-384, P-521/SHA-512). No RSA, no Ed25519.
 */
public enum EcCurve {
  // Named-curve OIDs: RFC 5480 section 2.1.1.1 (secp256r1 = P-256, secp384r1, secp521r1).
  P256("1.2.840.10045.3.1.7", "SHA256withECDSA"),
  P384("1.3.132.0.34", "SHA384withECDSA"),
  P521("1.3.132.0.35", "SHA512withECDSA");

  private final String oid;
  private final String jcaSignatureAlgorithm;

  EcCurve(String oid, String jcaSignatureAlgorithm) {
    this.oid = oid;
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
          "key type "
              + key.getAlgorithm()
              + " is not supported; OMS keys are EC P-256, P-384 or P-521");
    }
    // By the curve's OID, not its field size: secp256k1 and brainpoolP256r1 are 256-bit curves too.
    ASN1ObjectIdentifier curve = namedCurve(key);
    for (EcCurve c : values()) {
      if (c.oid.equals(curve.getId())) {
        return c;
      }
    }
    String name = ECNamedCurveTable.getName(curve);
    throw new InvalidInputException(
        Reason.KEY_UNSUPPORTED,
        "EC curve "
            + (name == null ? "" : name + " ")
            + "(OID "
            + curve.getId()
            + ") is not supported; OMS keys use P-256, P-384 or P-521");
  }

  /**
   * The named-curve OID of an EC key's SubjectPublicKeyInfo; explicit curve parameters are refused.
   */
  private static ASN1ObjectIdentifier namedCurve(PublicKey key) {
    AlgorithmIdentifier alg;
    try {
      alg = SubjectPublicKeyInfo.getInstance(key.getEncoded()).getAlgorithm();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new InvalidInputException(
          Reason.KEY_UNSUPPORTED, "EC key cannot be encoded to read its curve");
    }
    ASN1Encodable params = alg.getParameters();
    if (!(params instanceof ASN1ObjectIdentifier)) {
      throw new InvalidInputException(
          Reason.KEY_UNSUPPORTED,
          "EC key has explicit curve parameters instead of a named curve; OMS keys use P-256, P-384 or P-521");
    }
    return (ASN1ObjectIdentifier) params;
  }
}
