package dev.modelgate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.core.Failure;
import dev.modelgate.core.FieldPath;
import dev.modelgate.core.Reason;
import dev.modelgate.policy.Finding;
import dev.modelgate.policy.PolicyDecision;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The AdmissionReview answer is rendered from the typed decision: a deny is a 403 with the denial
 * message, warnings are listed (each cut to what Kubernetes shows), an allowance has no status.
 */
class AdmissionResponseWriterTest {
  private static final Failure BAD_URI =
      Failure.atField(
          Reason.MODEL_REFERENCE_INVALID,
          FieldPath.of("metadata.annotations[model.modelgate.dev/llm]"),
          "'s3:/x' is not a model URI");

  private static JsonNode answer(PolicyDecision d) throws Exception {
    AdmissionOutcome o = new AdmissionOutcome("u-1", d, Optional.empty(), List.of(), 1);
    return new ObjectMapper().readTree(AdmissionResponseWriter.write("admission.k8s.io/v1", o));
  }

  @Test
  void aDenialIsA403WithTheFieldAndReasonOfEachFailure() throws Exception {
    JsonNode r = answer(PolicyDecision.denied(List.of(BAD_URI))).path("response");

    assertThat(r.path("uid").asText()).isEqualTo("u-1");
    assertThat(r.path("allowed").asBoolean()).isFalse();
    assertThat(r.path("status").path("code").asInt()).isEqualTo(403);
    assertThat(r.path("status").path("message").asText())
        .isEqualTo(
            "ModelGate denied this workload: metadata.annotations[model.modelgate.dev/llm]:"
                + " MODEL_REFERENCE_INVALID: 's3:/x' is not a model URI");
  }

  @Test
  void warningsAreListedWithoutAStatusAndCutToWhatKubernetesShows() throws Exception {
    Failure longOne = Failure.of(Reason.MODEL_MOUNT_WRITABLE, "%s", "w".repeat(2000));
    PolicyDecision d =
        PolicyDecision.allowWithWarnings(
            List.of(Finding.of(BAD_URI), Finding.of(longOne)), List.of());

    JsonNode r = answer(d).path("response");

    assertThat(r.path("allowed").asBoolean()).isTrue();
    assertThat(r.has("status")).isFalse();
    assertThat(r.path("warnings")).hasSize(2);
    assertThat(r.path("warnings").get(0).asText()).startsWith("metadata.annotations[");
    assertThat(r.path("warnings").get(1).asText())
        .hasSize(AdmissionResponseWriter.MAX_WARNING_CHARS)
        .endsWith("...");
  }

  @Test
  void anAllowanceHasNeitherStatusNorWarnings() throws Exception {
    JsonNode r = answer(PolicyDecision.allow(List.of())).path("response");

    assertThat(r.path("allowed").asBoolean()).isTrue();
    assertThat(r.has("status")).isFalse();
    assertThat(r.has("warnings")).isFalse();
  }
}
