package dev.modelgate.policy.crd;

import dev.modelgate.policy.CompileError;
import dev.modelgate.trust.SigstoreTrustRoot;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * A compiled ModelTrustRoot: its CA certificates, its Sigstore root, or why it is unusable ({@code
 * errors}, each at its field). {@code document} is the resource as YAML, handed on to the volume
 * verifier with the policies that use it.
 */
public record TrustMaterial(
    String name,
    List<X509Certificate> certificateAuthorities,
    Optional<SigstoreTrustRoot> sigstore,
    List<CompileError> errors,
    String document) {
  public TrustMaterial {
    certificateAuthorities = List.copyOf(certificateAuthorities);
    errors = List.copyOf(errors);
  }
}
