package dev.modelgate.scan;

import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.report.PolicyResult;
import dev.modelgate.report.VerdictResults;
import java.util.Locale;

/**
 * What a (workload, model, policy) result says today, in the words of a PolicyReport result: {@code
 * pass}; {@code error} when no decision could be made (a registry unavailable, an internal error, a
 * verifier outcome that cannot be read); {@code warn} for a failure under a Warn policy; {@code
 * fail} otherwise, Enforce and Audit alike (Audit records, it does not excuse). Ordered from best
 * to worst, so a workload's result for a policy is the worst of its models'.
 */
public enum ScanOutcome {
  PASS,
  WARN,
  FAIL,
  ERROR;

  /** The outcome of one verdict, as its report result says ({@link VerdictResults#outcome}). */
  public static ScanOutcome of(ModelVerdict v) {
    PolicyResult r = VerdictResults.outcome(v);
    switch (r) {
      case PASS:
        return PASS;
      case WARN:
        return WARN;
      case FAIL:
        return FAIL;
      case ERROR:
      default:
        return ERROR;
    }
  }

  public ScanOutcome worse(ScanOutcome other) {
    return other.ordinal() > ordinal() ? other : this;
  }

  /** The lowercase label used in metrics and reports. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
