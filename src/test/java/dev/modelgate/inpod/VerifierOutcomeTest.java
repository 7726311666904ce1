package dev.modelgate.inpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.policy.Mode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The record the volume verifier leaves in its termination message and background verification
 * reads back: it round-trips, fits the kubelet's budget, and anything but its exact shape is
 * refused.
 */
class VerifierOutcomeTest {
  static final String RECORD = VerifierOutcome.PREFIX;

  static VerifierOutcome.Result pass(String policy) {
    return new VerifierOutcome.Result(
        policy,
        Mode.ENFORCE,
        true,
        Optional.of("release-key"),
        Optional.of("key"),
        Optional.empty(),
        "");
  }

  static VerifierOutcome.Result fail(String policy, Mode mode, String message) {
    return new VerifierOutcome.Result(
        policy,
        mode,
        false,
        Optional.empty(),
        Optional.empty(),
        Optional.of(Reason.DIGEST_MISMATCH),
        message);
  }

  @Test
  void passAndFailRoundTripBehindTheHumanLine() {
    VerifierOutcome o =
        new VerifierOutcome(
            "llm",
            "pvc://models/llama",
            List.of(
                pass("ClusterModelPolicy/a"),
                fail("ModelPolicy/ml/b", Mode.WARN, "file 'x' has sha256:00")),
            0);

    String message =
        o.encode("model 'llm' (pvc://models/llama) failed ModelPolicy/ml/b: DIGEST_MISMATCH");

    assertThat(message).startsWith("model 'llm' (pvc://models/llama) failed").endsWith("\n");
    assertThat(VerifierOutcome.parse(message)).isEqualTo(o);
  }

  @Test
  void longNonLatinOrEscapedNamesAreCutByBytesSoAVerifiedModelStillGetsItsRecord() {
    String name = "\u6a21".repeat(400);
    String uri = "pvc://models/" + "\u00e9\"\u0001".repeat(300);
    VerifierOutcome o = new VerifierOutcome(name, uri, List.of(pass("ClusterModelPolicy/a")), 0);

    String message = o.encode("model verified");

    assertThat(message.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(VerifierOutcome.BUDGET);
    VerifierOutcome back = VerifierOutcome.parse(message);
    assertThat(back.model()).isEqualTo(VerifierOutcome.recordedForm(name)).endsWith("...");
    assertThat(back.uri()).isEqualTo(VerifierOutcome.recordedForm(uri));
    assertThat(back.results()).singleElement().satisfies(r -> assertThat(r.passed()).isTrue());
  }

  @Test
  void longMessagesAndManyPoliciesStayWithinTheBudgetAndCountWhatWasDropped() {
    List<VerifierOutcome.Result> many = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      many.add(fail("ClusterModelPolicy/policy-number-" + i, Mode.ENFORCE, "x".repeat(500)));
    }
    VerifierOutcome o = new VerifierOutcome("llm", "pvc://models/llama", many, 0);

    String message = o.encode("y".repeat(5000));

    assertThat(message.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(VerifierOutcome.BUDGET);
    VerifierOutcome back = VerifierOutcome.parse(message);
    assertThat(back.results()).isNotEmpty().allSatisfy(r -> assertThat(r.message()).isEmpty());
    assertThat(back.results().size() + back.more()).isEqualTo(40);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "no record line|model 'llm' failed ClusterModelPolicy/a: DIGEST_MISMATCH|has no modelgate.dev/verify-volume/v1 record",
        "record cut short (truncated by the kubelet)|"
            + RECORD
            + "{\"model\":\"llm\",\"uri\":\"pvc://m/l\",\"results\":[{\"pol|is not valid JSON",
        "another version|modelgate.dev/verify-volume/v2 {}|has no modelgate.dev/verify-volume/v1 record",
        "duplicate key|"
            + RECORD
            + "{\"model\":\"llm\",\"model\":\"other\",\"uri\":\"u\",\"results\":[]}|Duplicate field 'model'",
        "no results|" + RECORD + "{\"model\":\"llm\",\"uri\":\"u\",\"results\":[]}|holds no result",
        "unknown field|"
            + RECORD
            + "{\"model\":\"llm\",\"uri\":\"u\",\"results\":[],\"passed\":true}|unknown field 'passed'",
        "pass with a reason|"
            + RECORD
            + "{\"model\":\"llm\",\"uri\":\"u\",\"results\":[{\"policy\":\"P\",\"mode\":\"Enforce\",\"result\":\"pass\",\"reason\":\"DIGEST_MISMATCH\"}]}|a passing result carries a reason",
        "fail without a reason|"
            + RECORD
            + "{\"model\":\"llm\",\"uri\":\"u\",\"results\":[{\"policy\":\"P\",\"mode\":\"Enforce\",\"result\":\"fail\"}]}|a failing result has no reason",
        "unknown reason|"
            + RECORD
            + "{\"model\":\"llm\",\"uri\":\"u\",\"results\":[{\"policy\":\"P\",\"mode\":\"Enforce\",\"result\":\"fail\",\"reason\":\"FINE\"}]}|reason 'FINE' is not a ModelGate reason code",
        "result neither pass nor fail|"
            + RECORD
            + "{\"model\":\"llm\",\"uri\":\"u\",\"results\":[{\"policy\":\"P\",\"mode\":\"Enforce\",\"result\":\"ok\"}]}|is neither pass nor fail",
        "unknown mode|"
            + RECORD
            + "{\"model\":\"llm\",\"uri\":\"u\",\"results\":[{\"policy\":\"P\",\"mode\":\"enforce\",\"result\":\"pass\"}]}|mode 'enforce' is not Enforce, Warn or Audit",
        "unknown signing method|"
            + RECORD
            + "{\"model\":\"llm\",\"uri\":\"u\",\"results\":[{\"policy\":\"P\",\"mode\":\"Enforce\",\"result\":\"pass\",\"method\":\"gpg\"}]}|signing method 'gpg'",
        "policy not a string|"
            + RECORD
            + "{\"model\":\"llm\",\"uri\":\"u\",\"results\":[{\"policy\":1,\"mode\":\"Enforce\",\"result\":\"pass\"}]}|field 'policy' is missing or not a non-empty string",
        "more not positive|"
            + RECORD
            + "{\"model\":\"llm\",\"uri\":\"u\",\"results\":[{\"policy\":\"P\",\"mode\":\"Enforce\",\"result\":\"pass\"}],\"more\":-1}|'more' is not a positive integer",
        "record not last|"
            + RECORD
            + "{\"model\":\"llm\",\"uri\":\"u\",\"results\":[{\"policy\":\"P\",\"mode\":\"Enforce\",\"result\":\"pass\"}]}\\nall good|has its record before the last line",
      })
  void anythingButTheExactShapeIsRefused(String name, String message, String expected) {
    String text = message.replace("\\n", "\n");

    assertThatThrownBy(() -> VerifierOutcome.parse(text))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(expected)
        .satisfies(
            e ->
                assertThat(((InvalidInputException) e).reason())
                    .isEqualTo(Reason.REQUEST_MALFORMED));
  }
}
