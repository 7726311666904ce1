package dev.modelgate.scan;

import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.report.ObjectReference;
import java.util.List;
import java.util.Objects;

/**
 * One workload's result in a scan: how many of its pods run, and one verdict per (model, policy).
 */
public record WorkloadScan(ObjectReference workload, int pods, List<ModelVerdict> verdicts) {
  public WorkloadScan {
    Objects.requireNonNull(workload, "workload");
    verdicts = List.copyOf(verdicts);
  }

  /** The workload's worst outcome over all its verdicts; PASS when it has none. */
  public ScanOutcome outcome() {
    ScanOutcome o = ScanOutcome.PASS;
    for (ModelVerdict v : verdicts) {
      o = o.worse(ScanOutcome.of(v));
    }
    return o;
  }
}
