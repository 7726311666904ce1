package dev.modelgate.policy.crd;

import dev.modelgate.trust.SigstoreTrustRoot;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/** A compiled ModelTrustRoot: its CA certificates, its Sigstore root, or why it is unusable. */
public record TrustMaterial(String name, List<X509Certificate> certificateAuthorities, Optional<SigstoreTrustRoot> sigstore, List<String> errors) {
  public TrustMaterial {
    certificateAuthorities = List.copyOf(certificateAuthorities);
    errors = List.copyOf(errors);
  }
}
