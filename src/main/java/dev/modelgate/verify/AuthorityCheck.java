package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.InternalFailures;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.SigstoreBundle;
import dev.modelgate.trust.SignerVerdict;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who signed, and whether enough distinct authorities did. {@link #signers} checks one bundle
 * against every authority of the policy; {@link #threshold} counts distinct authorities over the
 * bundles that verified, one bundle for one authority only, so naming the same key twice cannot
 * meet a threshold of two (DESIGN section 4; sigstore policy-controller counts authorities the same
 * way).
 */
final class AuthorityCheck {
  /**
   * Passes when at least one authority accepts the bundle, with the refusals of the others; fails
   * with every refusal otherwise. A verifier that throws is an internal error of that authority.
   */
  StepOutcome<VerifiedSigners> signers(SigstoreBundle bundle, List<Authority> authorities) {
    SignerVerdict.Verified first = null;
    List<String> accepted = new ArrayList<>();
    List<Failure> refusals = new ArrayList<>();
    for (Authority a : authorities) {
      SignerVerdict verdict;
      try {
        verdict = a.verifier().verify(bundle);
      } catch (RuntimeException e) {
        verdict =
            new SignerVerdict.Rejected(
                List.of(InternalFailures.of("signer check of authority '" + a.name() + "'", e)));
      }
      if (verdict instanceof SignerVerdict.Verified v) {
        accepted.add(a.name());
        first = first == null ? v : first;
      } else if (verdict instanceof SignerVerdict.Rejected r) {
        r.failures().forEach(f -> refusals.add(named(a, f)));
      } else {
        refusals.add(
            Failure.of(
                Reason.INTERNAL_ERROR,
                "signer check of authority '%s' gave no verdict; denied",
                a.name()));
      }
    }
    if (first == null) {
      return StepOutcome.failed(refusals);
    }
    return StepOutcome.passed(
        new VerifiedSigners(bundle, first.signer(), first.paeForm(), accepted, refusals));
  }

  /**
   * Assigns distinct authorities to distinct verified bundles, in order, and passes with the
   * authorities counted when there are at least {@code policy.threshold()}. Otherwise fails with
   * {@link Reason#THRESHOLD_NOT_MET} (when more than one authority could have counted) and {@code
   * refusals}, what the bundles' checks found.
   */
  StepOutcome<List<String>> threshold(
      List<VerifiedSigners> verified, List<Failure> refusals, VerificationPolicy policy) {
    Set<String> counted = new LinkedHashSet<>();
    for (VerifiedSigners v : verified) {
      v.authorities().stream()
          .filter(a -> !counted.contains(a))
          .findFirst()
          .ifPresent(counted::add);
    }
    if (!counted.isEmpty() && counted.size() >= policy.threshold()) {
      return StepOutcome.passed(List.copyOf(counted));
    }
    List<Failure> failures = new ArrayList<>();
    if (policy.threshold() > 1 || policy.authorities().size() > 1 || refusals.isEmpty()) {
      failures.add(
          Failure.of(
              Reason.THRESHOLD_NOT_MET,
              "%d of %d required authorities signed%s",
              counted.size(),
              policy.threshold(),
              counted.isEmpty() ? "" : " (" + String.join(", ", counted) + ")"));
    }
    failures.addAll(refusals);
    return StepOutcome.failed(failures);
  }

  private static Failure named(Authority a, Failure f) {
    return a.name().isEmpty()
        ? f
        : new Failure(f.reason(), f.subject(), "authority '" + a.name() + "': " + f.message());
  }
}
