package dev.modelgate.certs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** A certificate and its private key; the constructor refuses a key that does not belong to it. */
public record KeyAndCertificate(X509Certificate certificate, PrivateKey key) {
  public KeyAndCertificate {
    if (certificate == null || key == null) {
      throw new IllegalArgumentException("a certificate and its key are both required");
    }
    if (!matches(certificate, key)) {
      throw new IllegalArgumentException(
          "the private key does not belong to certificate "
              + certificate.getSubjectX500Principal().getName());
    }
  }

  /** Parses PEM text (a certificate, and a PKCS#8 or SEC1 EC key) read from a Secret or files. */
  public static KeyAndCertificate parse(String what, byte[] certificatePem, byte[] keyPem) {
    List<X509Certificate> certs = certificates(what + " certificate", certificatePem);
    PrivateKey key = privateKey(what + " key", keyPem);
    try {
      return new KeyAndCertificate(certs.get(0), key);
    } catch (IllegalArgumentException e) {
      throw new TlsDataException(what + ": " + e.getMessage());
    }
  }

  /** All certificates of a PEM bundle, in order; at least one. */
  public static List<X509Certificate> certificates(String what, byte[] pem) {
    if (pem == null || pem.length == 0) {
      throw new TlsDataException(what + " is missing");
    }
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      for (var c : f.generateCertificates(new ByteArrayInputStream(pem))) {
        out.add((X509Certificate) c);
      }
    } catch (CertificateException e) {
      throw new TlsDataException(what + " is not PEM X.509: " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw new TlsDataException(what + " holds no certificate");
    }
    return out;
  }

  static PrivateKey privateKey(String what, byte[] pem) {
    if (pem == null || pem.length == 0) {
      throw new TlsDataException(what + " is missing");
    }
    try (PEMParser p =
        new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
      Object o = p.readObject();
      JcaPEMKeyConverter c = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) {
        return c.getPrivateKey(info);
      }
      if (o instanceof PEMKeyPair pair) {
        return c.getKeyPair(pair).getPrivate();
      }
      throw new TlsDataException(
          what
              + " is not a PEM private key (found "
              + (o == null ? "nothing" : o.getClass().getSimpleName())
              + ")");
    } catch (IOException e) {
      throw new TlsDataException(what + " is not a PEM private key: " + e.getMessage());
    }
  }

  public byte[] certificatePem() {
    return pem(certificate);
  }

  public byte[] keyPem() {
    try {
      return pem(new JcaPKCS8Generator(key, null).generate());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String fingerprint() {
    return fingerprint(certificate);
  }

  /** SHA-256 of the DER encoding, lower-case hex: how a served certificate is compared. */
  public static String fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] pem(Object o) {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sw.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The key belongs to the certificate when a signature made with it verifies with the
   * certificate's key.
   */
  private static boolean matches(X509Certificate certificate, PrivateKey key) {
    try {
      String algorithm =
          key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
      byte[] probe = "modelgate key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(algorithm);
      s.initSign(key);
      s.update(probe);
      byte[] signature = s.sign();
      Signature v = Signature.getInstance(algorithm);
      v.initVerify(certificate.getPublicKey());
      v.update(probe);
      return v.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
