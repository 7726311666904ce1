package dev.modelgate.policy;

/** What a failing policy does to the workload. */
public enum Mode {
  /** Deny the workload. */
  ENFORCE,
  /** Admit it, with a warning the user sees. */
  WARN,
  /** Admit it and record the outcome only. */
  AUDIT
}
