package dev.modelgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A condition over an attested statement cannot exhaust memory or time: what it builds and how long
 * it runs are bounded, and exceeding a bound is a false outcome with the reason.
 */
class CelBoundsTest {
  private static ObjectNode statementWithString(int chars) {
    ObjectNode st = new ObjectMapper().createObjectNode();
    ObjectNode predicate = st.putObject("predicate");
    predicate.put("s", "a".repeat(chars));
    var list = predicate.putArray("l");
    for (int i = 0; i < 100; i++) {
      list.add(i);
    }
    return st;
  }

  private static CelCondition.Outcome eval(String condition, ObjectNode statement) {
    return CelCondition.compile(condition).evaluate(statement, Map.of("name", "m"));
  }

  /** With a minute to run, so only the bound under test can stop it, however loaded the machine. */
  private static CelCondition.Outcome evalWithoutDeadline(String condition, ObjectNode statement) {
    return CelCondition.compile(condition).evaluate(statement, Map.of("name", "m"), 60_000);
  }

  @Test
  void anOrdinaryConditionOverALargeFieldStillHolds() {
    CelCondition.Outcome o =
        evalWithoutDeadline(
            "predicate.s.size() == 600000 && predicate.s.startsWith('aaa')",
            statementWithString(600_000));

    assertThat(o.error()).isEmpty();
    assertThat(o.holds()).isTrue();
  }

  @Test
  void buildingOneHugeStringIsRefused() {
    CelCondition.Outcome o =
        evalWithoutDeadline("(predicate.s + predicate.s).size() > 0", statementWithString(600_000));

    assertThat(o.holds()).isFalse();
    assertThat(o.error())
        .isEqualTo(
            "condition exceeded its bounds: it built a string of 1200000 characters, more than 1048576");
  }

  @Test
  void buildingManyLargeStringsIsRefusedBeforeTheyAddUpToGigabytes() {
    // 100 x 100 concatenations of 200,000 characters: 2 GB of strings if unbounded.
    CelCondition.Outcome o =
        evalWithoutDeadline(
            "predicate.l.map(a, predicate.l.map(b, predicate.s + predicate.s)).size() > 0",
            statementWithString(100_000));

    assertThat(o.holds()).isFalse();
    assertThat(o.error())
        .isEqualTo(
            "condition exceeded its bounds: its strings add up to more than 16777216 characters");
  }

  @Test
  void slowWorkWithinTheIterationLimitStopsAtTheEvaluationDeadline() {
    // 5,000 iterations (under CEL's 10,000) that each scan 4 Mi characters: about 2 x 10^10
    // steps, seconds of work that no iteration count catches.
    ObjectNode st = statementWithString(4 << 20);
    var half = ((ObjectNode) st.get("predicate")).putArray("h");
    for (int i = 0; i < 50; i++) {
      half.add(i);
    }
    long start = System.nanoTime();
    CelCondition.Outcome o =
        eval("predicate.l.all(a, predicate.h.all(b, !predicate.s.contains('b')))", st);
    long tookMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(o.holds()).isFalse();
    assertThat(o.error())
        .isEqualTo("condition exceeded its bounds: evaluation took longer than 1000 ms");
    assertThat(tookMs).as("stopped near its deadline").isLessThan(20_000);
  }

  @Test
  void nestedComprehensionsStopAtTheIterationBudget() {
    CelCondition.Outcome o =
        evalWithoutDeadline(
            "predicate.l.all(a, predicate.l.all(b, predicate.l.all(c, a + b + c >= 0)))",
            statementWithString(1));

    assertThat(o.holds()).isFalse();
    assertThat(o.error()).contains("Iteration budget exceeded: 10000");
  }
}
