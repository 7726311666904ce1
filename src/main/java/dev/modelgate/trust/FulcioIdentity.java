package dev.modelgate.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1TaggedObject;

/**
 * The identity a Fulcio certificate states: the OIDC issuer, read from extension
 * 1.3.6.1.4.1.57264.1.8 (a DER UTF8String) or, in older certificates, 1.3.6.1.4.1.57264.1.1 (raw
 * bytes); and the SANs, including Fulcio's username other-name 1.3.6.1.4.1.57264.1.7.
 */
record FulcioIdentity(String issuer, List<String> subjectAlternativeNames) {
  static final String ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";
  static final String ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";
  static final String USERNAME_OTHER_NAME = "1.3.6.1.4.1.57264.1.7";

  FulcioIdentity {
    subjectAlternativeNames = List.copyOf(subjectAlternativeNames);
  }

  static FulcioIdentity of(X509Certificate cert) {
    return new FulcioIdentity(issuer(cert), sans(cert));
  }

  private static String issuer(X509Certificate cert) {
    byte[] v2 = extensionValue(cert, ISSUER_V2);
    if (v2 != null) {
      try {
        ASN1Primitive p = ASN1Primitive.fromByteArray(v2);
        if (p instanceof ASN1String) {
          return ((ASN1String) p).getString();
        }
      } catch (IOException | RuntimeException e) {
        // Fall through to the older extension.
      }
    }
    byte[] v1 = extensionValue(cert, ISSUER_V1);
    return v1 == null ? "" : new String(v1, StandardCharsets.UTF_8);
  }

  /** The inner bytes of an extension (the OCTET STRING's content), or null. */
  private static byte[] extensionValue(X509Certificate cert, String oid) {
    byte[] outer = cert.getExtensionValue(oid);
    if (outer == null) {
      return null;
    }
    try {
      return ASN1OctetString.getInstance(outer).getOctets();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Every SAN given as a string (email, URI, DNS, IP), plus Fulcio's username other-name. */
  static List<String> sans(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    Collection<List<?>> names;
    try {
      names = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return out;
    }
    if (names == null) {
      return out;
    }
    for (List<?> n : names) {
      int type = (Integer) n.get(0);
      if (n.get(1) instanceof String) {
        out.add((String) n.get(1));
      } else if (type == 0 && n.get(1) instanceof byte[]) {
        otherName((byte[]) n.get(1)).ifPresent(out::add);
      }
    }
    return out;
  }

  /** OtherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY }, for Fulcio's username. */
  private static Optional<String> otherName(byte[] der) {
    try {
      ASN1Primitive p = ASN1Primitive.fromByteArray(der);
      if (p instanceof ASN1TaggedObject) {
        p = ((ASN1TaggedObject) p).getBaseObject().toASN1Primitive();
      }
      ASN1Sequence seq = ASN1Sequence.getInstance(p);
      String oid = ASN1ObjectIdentifier.getInstance(seq.getObjectAt(0)).getId();
      if (!USERNAME_OTHER_NAME.equals(oid)) {
        return Optional.empty();
      }
      // The JDK re-encodes OtherName with the value wrapped in [0] twice; unwrap every tag.
      ASN1Encodable value = seq.getObjectAt(1);
      for (int i = 0; i < 4 && value instanceof ASN1TaggedObject; i++) {
        value = ((ASN1TaggedObject) value).getBaseObject();
      }
      return value instanceof ASN1String
          ? Optional.of(((ASN1String) value).getString())
          : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
