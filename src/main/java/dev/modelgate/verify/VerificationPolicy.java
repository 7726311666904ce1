package dev.modelgate.verify;

import dev.modelgate.trust.SignatureVerifier;
import java.util.List;
import java.util.Objects;

/**
 * What one policy expects of a model, in the verifier's terms: who may sign, how many distinct
 * authorities must have signed, and which files count.
 */
public record VerificationPolicy(List<Authority> authorities, int threshold, VerifyOptions options) {
  public VerificationPolicy {
    authorities = List.copyOf(authorities);
    Objects.requireNonNull(options, "options");
    if (authorities.isEmpty()) {
      throw new IllegalArgumentException("a verification policy needs at least one authority");
    }
    if (threshold < 1 || threshold > authorities.size()) {
      throw new IllegalArgumentException(
          "threshold must be from 1 to the number of authorities (" + authorities.size() + "), got " + threshold);
    }
  }

  /** One unnamed authority: what the CLI's verify builds from its flags. */
  public static VerificationPolicy single(SignatureVerifier verifier, VerifyOptions options) {
    return new VerificationPolicy(List.of(new Authority("", verifier)), 1, options);
  }
}
