package dev.modelgate.certs;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes the webhook's private CA and its serving certificates (ECDSA P-256). Validity starts a few
 * minutes in the past so that API servers with a slightly late clock accept a fresh certificate; a
 * serving certificate never outlives the CA that signs it.
 */
public final class CertificateIssuer {
  /** Clock skew tolerated between this replica and the API servers. */
  static final Duration BACKDATE = Duration.ofMinutes(5);

  private final Clock clock;
  private final CertificateLifetimes lifetimes;
  private final SecureRandom random = new SecureRandom();

  public CertificateIssuer(Clock clock, CertificateLifetimes lifetimes) {
    this.clock = clock;
    this.lifetimes = lifetimes;
  }

  public CertificateLifetimes lifetimes() {
    return lifetimes;
  }

  /** A self-signed CA that may sign only end-entity certificates (path length 0). */
  public KeyAndCertificate newAuthority(String service) {
    KeyPair keys = keyPair();
    Instant now = clock.instant();
    X500Name name =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, "ModelGate")
            .addRDN(BCStyle.CN, "modelgate webhook CA " + service + " " + now.getEpochSecond())
            .build();
    try {
      var ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              serial(),
              Date.from(now.minus(BACKDATE)),
              Date.from(now.plus(lifetimes.authority())),
              name,
              keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(
          Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new KeyAndCertificate(sign(b, keys), keys.getPrivate());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot make the webhook CA: " + e.getMessage(), e);
    }
  }

  /** A TLS server certificate for the given DNS names, signed by the CA. */
  public KeyAndCertificate issueServing(KeyAndCertificate authority, List<String> dnsNames) {
    if (dnsNames.isEmpty()) {
      throw new IllegalArgumentException("a serving certificate needs at least one DNS name");
    }
    KeyPair keys = keyPair();
    Instant now = clock.instant();
    Instant notAfter = now.plus(lifetimes.serving());
    Instant caNotAfter = authority.certificate().getNotAfter().toInstant();
    if (notAfter.isAfter(caNotAfter)) {
      notAfter = caNotAfter;
    }
    try {
      var ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              authority.certificate(),
              serial(),
              Date.from(now.minus(BACKDATE)),
              Date.from(notAfter),
              new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, dnsNames.get(0)).build(),
              keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              dnsNames.stream()
                  .map(n -> new GeneralName(GeneralName.dNSName, n))
                  .toArray(GeneralName[]::new)));
      b.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          ext.createAuthorityKeyIdentifier(authority.certificate()));
      b.addExtension(
          Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new KeyAndCertificate(sign(b, authority.key()), keys.getPrivate());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot issue the serving certificate: " + e.getMessage(), e);
    }
  }

  private X509Certificate sign(X509v3CertificateBuilder b, KeyPair self)
      throws GeneralSecurityException {
    return sign(b, self.getPrivate());
  }

  private X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private BigInteger serial() {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
