package dev.modelgate.report;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import java.util.Locale;

/**
 * The outcome of one result, the {@code PolicyResult} enum of {@code wgpolicyk8s.io/v1alpha2}
 * (kubernetes-sigs/wg-policy-prototypes@25056e1f, {@code
 * policy-report/pkg/api/wgpolicyk8s.io/v1alpha2/policyreport_types.go}: pass, fail, warn, error,
 * skip; lowercase on the wire).
 */
public enum PolicyResult {
  /** The policy's requirements are met. */
  PASS,
  /** The requirements are not met. */
  FAIL,
  /** The requirements are not met and the policy is not scored (ModelGate: Warn mode). */
  WARN,
  /** The policy could not be evaluated (a registry did not answer, an internal error). */
  ERROR,
  /** The policy was not selected for evaluation. */
  SKIP;

  /** The value as the API writes it. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static PolicyResult parse(String text) {
    for (PolicyResult r : values()) {
      if (r.wire().equals(text)) {
        return r;
      }
    }
    throw new InvalidInputException(
        Reason.REQUEST_MALFORMED,
        "result '" + text + "' is not one of pass, fail, warn, error, skip");
  }
}
