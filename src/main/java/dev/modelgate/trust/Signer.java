package dev.modelgate.trust;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who signed, as established by a verifier: the method, a display identity (key hint, certificate
 * subject, or keyless SAN), the issuer when there is one, the certificate SANs, and the signing
 * time when a log entry or timestamp proved it.
 */
public record Signer(
    SigningMethod method,
    String identity,
    String issuer,
    List<String> subjectAlternativeNames,
    Optional<Instant> signingTime) {
  public Signer {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(issuer, "issuer");
    subjectAlternativeNames = List.copyOf(subjectAlternativeNames);
    Objects.requireNonNull(signingTime, "signingTime");
  }

  public Signer(
      SigningMethod method, String identity, String issuer, List<String> subjectAlternativeNames) {
    this(method, identity, issuer, subjectAlternativeNames, Optional.empty());
  }
}
