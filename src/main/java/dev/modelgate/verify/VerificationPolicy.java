package dev.modelgate.verify;

import dev.modelgate.trust.SignatureVerifier;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one policy expects of a model, in the verifier's terms: who may sign, how many distinct
 * authorities must have signed, and which files count.
 *
 * @param identity what cached results are keyed on: equal identities verify every model the same
 *     way. The policy compiler derives it from the policy's name, generation and the content of the
 *     policy and the trust roots it names, so a recompiled but unchanged policy keeps its cached
 *     results and a changed policy or rotated trust root never sees them. Policies built in code
 *     get an identity of their own.
 */
public record VerificationPolicy(
    List<Authority> authorities, int threshold, VerifyOptions options, String identity) {
  private static final AtomicLong BUILT_IN_CODE = new AtomicLong();

  public VerificationPolicy {
    authorities = List.copyOf(authorities);
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(identity, "identity");
    if (identity.isBlank()) {
      throw new IllegalArgumentException("a verification policy needs an identity");
    }
    if (authorities.isEmpty()) {
      throw new IllegalArgumentException("a verification policy needs at least one authority");
    }
    if (threshold < 1 || threshold > authorities.size()) {
      throw new IllegalArgumentException(
          "threshold must be from 1 to the number of authorities ("
              + authorities.size()
              + "), got "
              + threshold);
    }
  }

  /** A policy with an identity no other policy has: its results are never shared. */
  public VerificationPolicy(List<Authority> authorities, int threshold, VerifyOptions options) {
    this(authorities, threshold, options, "in-code#" + BUILT_IN_CODE.incrementAndGet());
  }

  /** One unnamed authority: what the CLI's verify builds from its flags. */
  public static VerificationPolicy single(SignatureVerifier verifier, VerifyOptions options) {
    return new VerificationPolicy(List.of(new Authority("", verifier)), 1, options);
  }
}
