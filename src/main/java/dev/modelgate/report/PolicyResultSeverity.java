package dev.modelgate.report;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import java.util.Locale;

/**
 * The {@code severity} of a result, the {@code PolicyResultSeverity} enum of {@code
 * wgpolicyk8s.io/v1alpha2} (same source as {@link PolicyResult}; lowercase on the wire).
 */
public enum PolicyResultSeverity {
  CRITICAL,
  HIGH,
  MEDIUM,
  LOW,
  INFO;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static PolicyResultSeverity parse(String text) {
    for (PolicyResultSeverity s : values()) {
      if (s.wire().equals(text)) {
        return s;
      }
    }
    throw new InvalidInputException(
        Reason.REQUEST_MALFORMED,
        "severity '" + text + "' is not one of critical, high, medium, low, info");
  }
}
