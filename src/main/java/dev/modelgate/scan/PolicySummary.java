package dev.modelgate.scan;

import dev.modelgate.policy.ModelVerdict;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the running workloads a policy matched fared in one scan: a workload counts once per policy,
 * with the worst outcome of its models under that policy.
 */
public record PolicySummary(int passing, int failing, int warned, int errors, Instant lastScan) {
  public PolicySummary {
    Objects.requireNonNull(lastScan, "lastScan");
  }

  /** One summary per policy (by display name) that matched some running workload's model. */
  public static Map<String, PolicySummary> of(List<WorkloadScan> workloads, Instant scannedAt) {
    Map<String, EnumMap<ScanOutcome, Integer>> counts = new LinkedHashMap<>();
    for (WorkloadScan w : workloads) {
      Map<String, ScanOutcome> worst = new LinkedHashMap<>();
      for (ModelVerdict v : w.verdicts()) {
        v.policy().ifPresent(policy -> worst.merge(policy, ScanOutcome.of(v), ScanOutcome::worse));
      }
      worst.forEach(
          (policy, o) ->
              counts
                  .computeIfAbsent(policy, p -> new EnumMap<>(ScanOutcome.class))
                  .merge(o, 1, Integer::sum));
    }
    Map<String, PolicySummary> out = new LinkedHashMap<>();
    counts.forEach(
        (policy, c) ->
            out.put(
                policy,
                new PolicySummary(
                    c.getOrDefault(ScanOutcome.PASS, 0),
                    c.getOrDefault(ScanOutcome.FAIL, 0),
                    c.getOrDefault(ScanOutcome.WARN, 0),
                    c.getOrDefault(ScanOutcome.ERROR, 0),
                    scannedAt)));
    return out;
  }

  /** The same counts, whatever the time. */
  public boolean sameCounts(PolicySummary other) {
    return passing == other.passing
        && failing == other.failing
        && warned == other.warned
        && errors == other.errors;
  }
}
