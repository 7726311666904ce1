package dev.modelgate.trust;

import java.util.List;
import java.util.Objects;

/**
 * Who signed, as established by a verifier: the method, a display identity (key hint, certificate
 * subject, or keyless SAN), the issuer when there is one, and the certificate SANs.
 */
public record Signer(SigningMethod method, String identity, String issuer, List<String> subjectAlternativeNames) {
  public Signer {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(issuer, "issuer");
    subjectAlternativeNames = List.copyOf(subjectAlternativeNames);
  }
}
