package dev.modelgate.trust;

import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.SigstoreBundle;
import dev.modelgate.oms.VerificationMaterial;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code certificate} method: the bundle's chain must lead from its signing certificate to one
 * of the configured anchors, the signing certificate must be allowed to sign, and it must meet the
 * optional {@link CertificateIdentity}.
 *
 * <p>As the reference does (model_signing {@code sign_certificate.py}), the chain is checked at the
 * signing certificate's notBefore: the bundle carries no trusted time, so expiry at verify time
 * says nothing about when it signed. Unlike the reference, there is no fallback to the web PKI:
 * anchors are required.
 */
public final class CertificateVerifier implements SignatureVerifier {
  private static final String EKU_CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
  private static final int KU_DIGITAL_SIGNATURE = 0;

  private final Set<TrustAnchor> anchors;
  private final List<X509Certificate> configuredIntermediates;
  private final CertificateIdentity identity;

  /**
   * @param trusted the certificates the operator trusts. As with OpenSSL's default store (which the
   *     reference uses), a chain must end at a self-signed root among them; other certificates
   *     given here only help build the chain. A set with no self-signed root is refused, since no
   *     chain could ever verify against it.
   */
  public CertificateVerifier(Collection<X509Certificate> trusted, CertificateIdentity identity) {
    Set<TrustAnchor> roots = new HashSet<>();
    List<X509Certificate> others = new ArrayList<>();
    for (X509Certificate c : trusted) {
      if (isSelfSigned(c)) {
        roots.add(new TrustAnchor(c, null));
      } else {
        others.add(c);
      }
    }
    if (roots.isEmpty()) {
      throw new InvalidInputException(
          Reason.CHAIN_UNTRUSTED,
          "the certificate method needs a self-signed root CA as trust anchor; none of the "
              + trusted.size()
              + " certificates given is one (an intermediate alone is not accepted, as in model_signing)");
    }
    this.anchors = Set.copyOf(roots);
    this.configuredIntermediates = List.copyOf(others);
    this.identity = identity;
  }

  private static boolean isSelfSigned(X509Certificate c) {
    if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
      return false;
    }
    try {
      c.verify(c.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public SigningMethod method() {
    return SigningMethod.CERTIFICATE;
  }

  @Override
  public SignerVerdict verify(SigstoreBundle bundle) {
    if (!(bundle.material() instanceof VerificationMaterial.CertificateChain)) {
      return SignerVerdict.Rejected.wrongMaterial(bundle.material(), "a certificate chain");
    }
    List<X509Certificate> chain =
        ((VerificationMaterial.CertificateChain) bundle.material()).certificates();
    X509Certificate leaf = chain.get(0);
    String subject = leaf.getSubjectX500Principal().getName();
    List<String> sans = FulcioIdentity.sans(leaf);
    List<Failure> failures = new ArrayList<>();
    try {
      EcCurve.of(leaf.getPublicKey());
    } catch (InvalidInputException e) {
      failures.add(
          new Failure(
              Reason.KEY_UNSUPPORTED, "signing certificate '" + subject + "': " + e.getMessage()));
      return new SignerVerdict.Rejected(failures);
    }
    chainFailure(chain).ifPresent(failures::add);
    if (!maySign(leaf)) {
      failures.add(
          Failure.of(
              Reason.CERTIFICATE_USAGE,
              "signing certificate '%s' has neither key usage digitalSignature nor extended key usage codeSigning",
              subject));
    }
    if (!identity.subjectMatches(subject)) {
      failures.add(
          Failure.of(
              Reason.IDENTITY_MISMATCH,
              "certificate subject '%s' does not match '%s'",
              subject,
              identity.subjectRegExp()));
    }
    if (!identity.anySanMatches(sans)) {
      failures.add(
          Failure.of(
              Reason.IDENTITY_MISMATCH,
              "no subject alternative name of '%s' matches '%s' (found %s)",
              subject,
              identity.sanRegExp(),
              sans.isEmpty() ? "none" : String.join(", ", sans)));
    }
    DsseSignatureCheck.Result sig =
        DsseSignatureCheck.check(
            bundle.envelope(), leaf.getPublicKey(), "signing certificate '" + subject + "'");
    if (sig.failure() != null) {
      failures.add(sig.failure());
    }
    if (!failures.isEmpty()) {
      return new SignerVerdict.Rejected(failures);
    }
    String issuer = leaf.getIssuerX500Principal().getName();
    return new SignerVerdict.Verified(
        new Signer(SigningMethod.CERTIFICATE, subject, issuer, sans), sig.form().orElseThrow());
  }

  private Optional<Failure> chainFailure(List<X509Certificate> chain) {
    X509Certificate leaf = chain.get(0);
    try {
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(leaf);
      PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
      params.setRevocationEnabled(false);
      params.setDate(leaf.getNotBefore());
      List<X509Certificate> pool = new ArrayList<>(chain);
      pool.addAll(configuredIntermediates);
      params.addCertStore(
          CertStore.getInstance("Collection", new CollectionCertStoreParameters(pool)));
      CertPathBuilder.getInstance("PKIX").build(params);
      return Optional.empty();
    } catch (GeneralSecurityException e) {
      return Optional.of(
          Failure.of(
              Reason.CHAIN_UNTRUSTED,
              "signing certificate '%s' (issued by '%s') does not chain to a trusted anchor at %s: %s",
              leaf.getSubjectX500Principal().getName(),
              leaf.getIssuerX500Principal().getName(),
              leaf.getNotBefore().toInstant(),
              e.getMessage()));
    }
  }

  private static boolean maySign(X509Certificate leaf) {
    boolean[] ku = leaf.getKeyUsage();
    if (ku != null && ku.length > KU_DIGITAL_SIGNATURE && ku[KU_DIGITAL_SIGNATURE]) {
      return true;
    }
    try {
      List<String> eku = leaf.getExtendedKeyUsage();
      return eku != null && eku.contains(EKU_CODE_SIGNING);
    } catch (CertificateParsingException e) {
      return false;
    }
  }
}
