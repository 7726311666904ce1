package dev.modelgate.report;

import java.util.Locale;

/** What produced a result: written to its {@code evaluation} property. */
public enum Evaluation {
  /** The webhook, when it admitted the workload (Audit and Warn outcomes). */
  ADMISSION,
  /** The background scan of running workloads. */
  SCAN,
  /** {@code modelgate check}, offline. */
  CHECK;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
