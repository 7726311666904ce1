package dev.modelgate.verify;

import java.util.List;
import java.util.Objects;

/**
 * An in-toto attestation about a verified model: its predicate type, the statement JSON exactly as
 * signed, and the policy authorities whose signature on it verified (none when it verified for
 * nobody, kept so a denial can say so).
 */
public record VerifiedAttestation(
    String source,
    String predicateType,
    String statementJson,
    List<String> authorities,
    List<String> problems) {
  public VerifiedAttestation {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(predicateType, "predicateType");
    Objects.requireNonNull(statementJson, "statementJson");
    authorities = List.copyOf(authorities);
    problems = List.copyOf(problems);
  }
}
