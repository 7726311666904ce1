package dev.modelgate.policy;

import dev.modelgate.core.Failure;
import java.util.List;
import java.util.Objects;

/**
 * Why a decision denies or warns: a (model, policy) verdict that failed, or a failure about the
 * workload as a whole (it names no model, it cannot be read, a claim others can write).
 */
public sealed interface Finding permits Finding.OfModel, Finding.OfWorkload {
  /** The failures behind this finding, each with its reason code. */
  List<Failure> failures();

  /**
   * A failed verdict. {@code admittedUnverified}: it warns only because the policy's {@code
   * onError: Allow} waived an UNAVAILABLE answer.
   */
  record OfModel(ModelVerdict verdict, boolean admittedUnverified) implements Finding {
    public OfModel {
      Objects.requireNonNull(verdict, "verdict");
      if (verdict.passed()) {
        throw new IllegalArgumentException("a verdict that passed is not a finding");
      }
    }

    @Override
    public List<Failure> failures() {
      return verdict.failures();
    }
  }

  /** A failure of the workload, not of one model. */
  record OfWorkload(Failure failure) implements Finding {
    public OfWorkload {
      Objects.requireNonNull(failure, "failure");
    }

    @Override
    public List<Failure> failures() {
      return List.of(failure);
    }
  }

  static Finding of(ModelVerdict v) {
    return new OfModel(v, false);
  }

  static Finding of(Failure f) {
    return new OfWorkload(f);
  }
}
