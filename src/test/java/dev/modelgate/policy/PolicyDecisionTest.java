package dev.modelgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelgate.core.Failure;
import dev.modelgate.core.FieldPath;
import dev.modelgate.core.Reason;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelUri;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The decision value: its kinds, the invariants its factories keep, and the verdict's field. */
class PolicyDecisionTest {
  private static final ModelReference LLM =
      new ModelReference(
          "llm", ModelUri.parse("oci://registry.example/llm:1"), "", "spec.containers[0].image");
  private static final Finding DENIAL = Finding.of(Failure.of(Reason.NO_POLICY, "no policy"));

  @Test
  void ofPicksTheKindFromTheFindings() {
    assertThat(PolicyDecision.of(List.of(), List.of(), List.of()).kind())
        .isEqualTo(PolicyDecision.Kind.ALLOW);
    assertThat(PolicyDecision.of(List.of(), List.of(DENIAL), List.of()).kind())
        .isEqualTo(PolicyDecision.Kind.ALLOW_WITH_WARNINGS);
    assertThat(PolicyDecision.of(List.of(DENIAL), List.of(DENIAL), List.of()).kind())
        .isEqualTo(PolicyDecision.Kind.DENY);
  }

  @Test
  void onlyTheAllowingKindsAllow() {
    assertThat(PolicyDecision.allow(List.of()).allowed()).isTrue();
    assertThat(PolicyDecision.allowWithWarnings(List.of(DENIAL), List.of()).allowed()).isTrue();
    assertThat(PolicyDecision.deny(List.of(DENIAL), List.of(), List.of()).allowed()).isFalse();
  }

  @Test
  void aDenialWithoutAReasonAndWarningsWithoutAWarningAreRefused() {
    assertThatThrownBy(() -> PolicyDecision.deny(List.of(), List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a denial needs a reason");
    assertThatThrownBy(() -> PolicyDecision.allowWithWarnings(List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void addedWarningsNeverTurnADenialIntoAnAllowance() {
    PolicyDecision denied = PolicyDecision.deny(List.of(DENIAL), List.of(), List.of());
    PolicyDecision allowed = PolicyDecision.allow(List.of());

    assertThat(denied.withWarnings(List.of(DENIAL)).kind()).isEqualTo(PolicyDecision.Kind.DENY);
    assertThat(allowed.withWarnings(List.of(DENIAL)).kind())
        .isEqualTo(PolicyDecision.Kind.ALLOW_WITH_WARNINGS);
    assertThat(allowed.withWarnings(List.of()).kind()).isEqualTo(PolicyDecision.Kind.ALLOW);
  }

  @Test
  void aVerdictsFailuresAreAboutTheFieldThatNamedTheModelUnlessTheyNameTheirOwn() {
    FieldPath own = FieldPath.of("spec.volumes[0].persistentVolumeClaim.claimName");
    ModelVerdict v =
        ModelVerdict.of(
            LLM,
            "P",
            Mode.ENFORCE,
            List.of(
                Failure.of(Reason.SIGNATURE_INVALID, "bad"),
                Failure.atField(Reason.MODEL_MOUNT_WRITABLE, own, "writable")));

    assertThat(v.failures())
        .extracting(Failure::field)
        .containsExactly(Optional.of(FieldPath.of("spec.containers[0].image")), Optional.of(own));
  }

  @Test
  void aPassedVerdictIsNotAFindingAndAFailedOneIsNeverPinned() {
    ModelVerdict passed = ModelVerdict.of(LLM, "P", Mode.ENFORCE, List.of());

    assertThatThrownBy(() -> Finding.of(passed)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new ModelVerdict(
                    LLM,
                    Optional.of("P"),
                    Mode.ENFORCE,
                    Optional.empty(),
                    List.of(),
                    List.of(Failure.of(Reason.DIGEST_MISMATCH, "x")),
                    Optional.of("registry.example/llm@sha256:" + "0".repeat(64)),
                    List.of(),
                    List.of(),
                    Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("never pinned");
  }
}
