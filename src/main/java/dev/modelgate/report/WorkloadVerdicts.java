package dev.modelgate.report;

import dev.modelgate.policy.ModelVerdict;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One evaluation of one workload: who it is, the (model, policy) verdicts the policy engine gave,
 * when, and by whom. The unit the report builder turns into results, one per verdict.
 */
public record WorkloadVerdicts(
    ObjectReference workload,
    List<ModelVerdict> verdicts,
    Instant evaluatedAt,
    Evaluation evaluation) {
  public WorkloadVerdicts {
    Objects.requireNonNull(workload, "workload");
    verdicts = List.copyOf(verdicts);
    Objects.requireNonNull(evaluatedAt, "evaluatedAt");
    Objects.requireNonNull(evaluation, "evaluation");
  }
}
