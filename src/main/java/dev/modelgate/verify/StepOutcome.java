package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.InternalFailures;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What one verification step established ({@link Passed}, with its typed value for the next step),
 * or why it could not ({@link Failed}, every failure it found). A failed step ends the chain: later
 * steps would only read what nobody vouched for.
 */
sealed interface StepOutcome<T> {
  record Passed<T>(T value) implements StepOutcome<T> {
    public Passed {
      Objects.requireNonNull(value, "value");
    }
  }

  record Failed<T>(List<Failure> failures) implements StepOutcome<T> {
    public Failed {
      failures = List.copyOf(failures);
      if (failures.isEmpty()) {
        throw new IllegalArgumentException("a failed step needs a failure");
      }
    }
  }

  static <T> StepOutcome<T> passed(T value) {
    return new Passed<>(value);
  }

  static <T> StepOutcome<T> failed(List<Failure> failures) {
    return new Failed<>(failures);
  }

  static <T> StepOutcome<T> failed(Failure failure) {
    return new Failed<>(List.of(failure));
  }

  /**
   * Runs one step. An exception thrown by it is an {@code INTERNAL_ERROR} failure of {@code stage}:
   * a bug in a step denies, never passes, and is never a failure {@code onError: Allow} may waive.
   */
  static <T> StepOutcome<T> run(String stage, Supplier<StepOutcome<T>> step) {
    try {
      return Objects.requireNonNull(step.get(), stage);
    } catch (RuntimeException e) {
      return failed(InternalFailures.of(stage + " check", e));
    }
  }

  /** The failures of a failed outcome; empty for a passed one. */
  default List<Failure> failures() {
    return List.of();
  }
}
