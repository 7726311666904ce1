package dev.modelgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Failure;
import dev.modelgate.core.FieldPath;
import dev.modelgate.core.Reason;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelUri;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The text every edge shows for a decision: denial message, warnings, verdict lines. */
class DecisionTextTest {
  private static final String FIELD = "spec.template.metadata.annotations[model.modelgate.dev/llm]";
  private static final ModelReference LLM =
      new ModelReference("llm", ModelUri.parse("oci://registry.example/llm:1"), "", FIELD);

  private static ModelVerdict failed(String policy, Failure... failures) {
    return ModelVerdict.of(LLM, policy, Mode.ENFORCE, List.of(failures));
  }

  @Test
  void anAllowanceHasNoDenialMessageAndNoWarnings() {
    PolicyDecision d =
        PolicyDecision.allow(List.of(ModelVerdict.of(LLM, "P", Mode.ENFORCE, List.of())));

    assertThat(DecisionText.denial(d)).isEmpty();
    assertThat(DecisionText.warnings(d)).isEmpty();
  }

  @Test
  void aDenialNamesTheModelThePolicyAndTheReasonCodes() {
    ModelVerdict v =
        failed(
            "ClusterModelPolicy/signed",
            Failure.about(Reason.DIGEST_MISMATCH, "config.json", "file 'config.json' differs"));

    PolicyDecision d = PolicyDecision.deny(List.of(Finding.of(v)), List.of(), List.of(v));

    assertThat(DecisionText.denial(d))
        .contains(
            "ModelGate denied this workload: model 'llm' (oci://registry.example/llm:1) failed"
                + " ClusterModelPolicy/signed: DIGEST_MISMATCH: file 'config.json' differs");
  }

  @Test
  void aDenialListsTenReasonsThenHowManyMore() {
    List<Finding> denials = new ArrayList<>();
    IntStream.range(0, 13)
        .forEach(i -> denials.add(Finding.of(Failure.of(Reason.NO_POLICY, "reason %d", i))));

    String message =
        DecisionText.denial(PolicyDecision.deny(denials, List.of(), List.of())).orElseThrow();

    assertThat(message)
        .startsWith("ModelGate denied this workload: NO_POLICY: reason 0 | NO_POLICY: reason 1")
        .contains("NO_POLICY: reason 9 | and 3 more")
        .doesNotContain("reason 10");
  }

  @Test
  void aModelLineListsThreeFailuresThenHowManyMore() {
    ModelVerdict v =
        failed(
            "P",
            Failure.of(Reason.FILE_MISSING, "a"),
            Failure.of(Reason.FILE_MISSING, "b"),
            Failure.of(Reason.FILE_MISSING, "c"),
            Failure.of(Reason.FILE_MISSING, "d"),
            Failure.of(Reason.FILE_MISSING, "e"));

    assertThat(DecisionText.finding(Finding.of(v)))
        .endsWith("failed P: FILE_MISSING: a; FILE_MISSING: b; FILE_MISSING: c; and 2 more");
  }

  @Test
  void aWarningWaivedByOnErrorAllowSaysItWasAdmittedUnverified() {
    ModelVerdict v = failed("P", Failure.of(Reason.UNAVAILABLE, "registry did not answer"));

    PolicyDecision d =
        PolicyDecision.allowWithWarnings(List.of(new Finding.OfModel(v, true)), List.of(v));

    assertThat(DecisionText.warnings(d))
        .containsExactly(
            "model 'llm' (oci://registry.example/llm:1) failed P: UNAVAILABLE: registry did not"
                + " answer (admitted unverified: onError Allow)");
    assertThat(DecisionText.denial(d)).isEmpty();
  }

  @Test
  void aWorkloadFailureIsShownAfterItsField() {
    Failure f =
        Failure.atField(
            Reason.MODEL_REFERENCE_INVALID, FieldPath.of(FIELD), "'s3://x' is not a model URI");

    assertThat(DecisionText.finding(Finding.of(f)))
        .isEqualTo(FIELD + ": MODEL_REFERENCE_INVALID: 's3://x' is not a model URI");
  }

  @Test
  void aModelNoPolicyMatchedNamesNoPolicy() {
    ModelVerdict v =
        ModelVerdict.unmatched(
            LLM,
            Mode.ENFORCE,
            List.of(Failure.of(Reason.NO_POLICY, "no policy matches this model")));

    assertThat(v.policy()).isEmpty();
    assertThat(DecisionText.finding(Finding.of(v)))
        .isEqualTo(
            "model 'llm' (oci://registry.example/llm:1): NO_POLICY: no policy matches this model");
  }

  @Test
  void verdictLinesMarkWhatPassedAndWhatFailed() {
    ModelVerdict ok =
        new ModelVerdict(
            LLM,
            Optional.of("P"),
            Mode.ENFORCE,
            Optional.empty(),
            List.of("k"),
            List.of(),
            Optional.of("registry.example/llm@sha256:" + "a".repeat(64)),
            List.of("eval"),
            List.of(),
            Optional.empty());
    ModelVerdict bad = failed("Q", Failure.of(Reason.SIGNATURE_INVALID, "bad signature"));

    assertThat(DecisionText.verdictLines(List.of(ok, bad)))
        .containsExactly(
            "ok   model 'llm' (oci://registry.example/llm:1) verified by P, attestations held: eval",
            "FAIL model 'llm' (oci://registry.example/llm:1) failed Q: SIGNATURE_INVALID: bad"
                + " signature");
  }
}
