package dev.modelgate.testing;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A small certificate authority minted per test: root, intermediate, and signing certificates. */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(1000);

  public final KeyPair rootKeys = TestKeys.ec("secp384r1");
  public final X509Certificate root;
  public final KeyPair intermediateKeys = TestKeys.ec("secp384r1");
  public final X509Certificate intermediate;

  public TestPki(String name) {
    Instant now = Instant.now();
    root =
        ca(
            "CN=" + name + " root",
            rootKeys,
            null,
            rootKeys,
            now.minus(Duration.ofDays(365)),
            now.plus(Duration.ofDays(3650)));
    intermediate =
        ca(
            "CN=" + name + " intermediate",
            intermediateKeys,
            root,
            rootKeys,
            now.minus(Duration.ofDays(365)),
            now.plus(Duration.ofDays(3650)));
  }

  /** What a signing certificate should look like; defaults are a valid code-signing leaf. */
  public static final class Leaf {
    String subject = "CN=model signer";
    String email = "";
    boolean digitalSignature = true;
    boolean codeSigning = true;
    Instant notBefore = Instant.now().minus(Duration.ofHours(1));
    Instant notAfter = Instant.now().plus(Duration.ofDays(30));

    public Leaf subject(String s) {
      subject = s;
      return this;
    }

    public Leaf email(String e) {
      email = e;
      return this;
    }

    public Leaf noSigningUsage() {
      digitalSignature = false;
      codeSigning = false;
      return this;
    }

    public Leaf validity(Instant from, Instant to) {
      notBefore = from;
      notAfter = to;
      return this;
    }
  }

  public X509Certificate leaf(KeyPair subjectKeys, Leaf spec) {
    try {
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              intermediate,
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(spec.notBefore),
              Date.from(spec.notAfter),
              new X500Name(spec.subject),
              subjectKeys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(
              spec.digitalSignature ? KeyUsage.digitalSignature : KeyUsage.keyEncipherment));
      if (spec.codeSigning) {
        b.addExtension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
      }
      if (!spec.email.isEmpty()) {
        b.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(new GeneralName(GeneralName.rfc822Name, spec.email)));
      }
      return sign(b, intermediateKeys);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate ca(
      String subject,
      KeyPair keys,
      X509Certificate issuer,
      KeyPair issuerKeys,
      Instant from,
      Instant to) {
    try {
      X500Name issuerName =
          issuer == null
              ? new X500Name(subject)
              : new X500Name(issuer.getSubjectX500Principal().getName());
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              issuerName,
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(from),
              Date.from(to),
              new X500Name(subject),
              keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return sign(b, issuerKeys);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair issuerKeys)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              b.build(
                  new JcaContentSignerBuilder("SHA384withECDSA").build(issuerKeys.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }
}
