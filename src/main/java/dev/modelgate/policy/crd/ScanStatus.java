package dev.modelgate.policy.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/**
 * What the last background verification found among the running workloads the policy matched; each
 * workload counts once, with the worst result of its models under this policy.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScanStatus {
  @JsonPropertyDescription("When the last background verification that counted these finished.")
  public String lastScanTime;

  @JsonPropertyDescription("Running workloads whose models all pass this policy.")
  public Integer passing;

  @JsonPropertyDescription(
      "Running workloads with a model that fails this policy (Enforce or Audit).")
  public Integer failing;

  @JsonPropertyDescription("Running workloads with a model that fails this policy in Warn mode.")
  public Integer warned;

  @JsonPropertyDescription(
      "Running workloads for which no decision could be made (registry unavailable, verifier outcome unknown).")
  public Integer errors;

  public ScanStatus() {}

  public ScanStatus(int passing, int failing, int warned, int errors, String lastScanTime) {
    this.passing = passing;
    this.failing = failing;
    this.warned = warned;
    this.errors = errors;
    this.lastScanTime = lastScanTime;
  }

  /** Same counts (the time aside). */
  public boolean sameCounts(ScanStatus other) {
    return other != null
        && Objects.equals(passing, other.passing)
        && Objects.equals(failing, other.failing)
        && Objects.equals(warned, other.warned)
        && Objects.equals(errors, other.errors);
  }
}
