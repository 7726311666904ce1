package dev.modelgate.trust;

import dev.sigstore.trustroot.CertificateAuthority;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The chain half of sigstore-java's {@code FulcioVerifier.verifySigningCertificate}, run on its
 * own: that call checks the chain and then the embedded SCT (sigstore-java.md section 1.2) and says
 * which failed only in its message. Running the chain step first lets the verifier name the failed
 * step by its reason code: a chain that does not verify here is {@code CHAIN_UNTRUSTED}; a
 * certificate whose chain verifies here but which the library still refuses has a bad SCT.
 *
 * <p>Same rule as the library: PKIX against each trusted-root CA whose validity contains the leaf's
 * notBefore, at that instant, revocation off, the CA's own chain completing the path and its last
 * certificate the anchor.
 */
final class FulcioChain {
  private FulcioChain() {}

  /** Why the chain does not verify against any of {@code cas}, or empty when one accepts it. */
  static Optional<String> problem(
      List<X509Certificate> bundleChain, List<CertificateAuthority> cas) {
    X509Certificate leaf = bundleChain.get(0);
    List<CertificateAuthority> candidates =
        CertificateAuthority.find(cas, leaf.getNotBefore().toInstant());
    if (candidates.isEmpty()) {
      return Optional.of(
          "no trusted Fulcio CA was valid at the certificate's notBefore "
              + leaf.getNotBefore().toInstant());
    }
    List<String> refusals = new ArrayList<>();
    for (CertificateAuthority ca : candidates) {
      try {
        List<X509Certificate> path = new ArrayList<>(bundleChain);
        List<? extends Certificate> caChain = ca.getCertPath().getCertificates();
        for (int i = 0; i < caChain.size() - 1; i++) {
          if (!path.contains(caChain.get(i))) {
            path.add((X509Certificate) caChain.get(i));
          }
        }
        CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
        PKIXParameters params = new PKIXParameters(Set.of(ca.asTrustAnchor()));
        params.setRevocationEnabled(false);
        params.setDate(Date.from(leaf.getNotBefore().toInstant()));
        CertPathValidator.getInstance("PKIX").validate(certPath, params);
        return Optional.empty();
      } catch (GeneralSecurityException | RuntimeException e) {
        refusals.add(ca.getUri() + ": " + e.getMessage());
      }
    }
    return Optional.of(String.join("; ", refusals));
  }
}
