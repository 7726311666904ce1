package dev.modelgate.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A step's outcome: passed with its value, or failed with at least one failure; a throw denies. */
class StepOutcomeTest {
  @Test
  void stepThatThrowsIsAnInternalErrorOfThatStageWithoutItsMessage() {
    StepOutcome<String> o =
        StepOutcome.run(
            "statement",
            () -> {
              throw new IllegalStateException("secret at Foo.java:42");
            });

    assertThat(o.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.INTERNAL_ERROR);
              assertThat(f.message())
                  .contains("statement check")
                  .containsPattern("incident [0-9a-f]{8}")
                  .doesNotContain("secret", "Foo.java");
            });
  }

  @Test
  void stepThatReturnsNothingIsAnInternalErrorNotAPass() {
    StepOutcome<String> o = StepOutcome.run("content", () -> null);

    assertThat(o).isInstanceOf(StepOutcome.Failed.class);
    assertThat(o.failures()).extracting(Failure::reason).containsExactly(Reason.INTERNAL_ERROR);
  }

  @Test
  void failedOutcomeNeedsAFailureAndPassedOneHasNone() {
    assertThatThrownBy(() -> StepOutcome.failed(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(StepOutcome.passed("v").failures()).isEmpty();
  }
}
