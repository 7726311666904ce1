package dev.modelgate.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.policy.NoMatchBehaviour;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Report results from real verdicts (a model signed in the test, verified by the admission path):
 * pass, fail, warn and error in each mode, with the model, signer and reasons in properties.
 */
class VerdictResultsTest {
  static final Instant AT = Instant.parse("2026-12-01T10:30:00Z");
  static final ObjectReference POD = ObjectReference.of("v1", "Pod", "ml", "llm-0", "");

  @TempDir Path tmp;
  SignedModel signed;
  AdmissionHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("models")));
    harness = new AdmissionHarness(tmp);
  }

  private String podYaml() {
    return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: llm-0\n  namespace: ml\n  annotations:\n"
        + "    model.modelgate.dev/llm: file://"
        + signed.model
        + "\nspec:\n  containers: [{name: server, image: server}]\n";
  }

  private PolicyReportResult onlyResult(String mode, Evaluation evaluation) {
    harness.policy(
        "p.yaml", AdmissionHarness.keyPolicy("signed", mode, "file://**", signed.publicKey, ""));
    AdmissionOutcome o = harness.review(AdmissionHarness.create(podYaml()));
    List<PolicyReportResult> results =
        VerdictResults.of(new WorkloadVerdicts(POD, o.verdicts(), AT, evaluation));
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  @Test
  void verifiedModelIsAPassWithItsSignerAndModelInProperties() {
    PolicyReportResult r = onlyResult("Enforce", Evaluation.ADMISSION);

    assertThat(r.result()).isEqualTo(PolicyResult.PASS);
    assertThat(r.scored()).isTrue();
    assertThat(r.source()).isEqualTo("modelgate");
    assertThat(r.policy()).isEqualTo("ClusterModelPolicy/signed");
    assertThat(r.rule()).isEqualTo("llm");
    assertThat(r.timestamp()).isEqualTo(AT);
    assertThat(r.resources()).containsExactly(POD);
    assertThat(r.message())
        .contains("model 'llm'")
        .contains("verified by ClusterModelPolicy/signed");
    assertThat(r.properties())
        .containsEntry("mode", "Enforce")
        .containsEntry("model", "llm")
        .containsEntry("modelUri", "file://" + signed.model)
        .containsEntry("modelField", "metadata.annotations[model.modelgate.dev/llm]")
        .containsEntry("signingMethod", "key")
        .containsEntry("authorities", "release-key")
        .containsEntry("placement", "admission")
        .containsEntry("evaluation", "admission")
        .containsKey("signer")
        .doesNotContainKey("reasons");
  }

  @Test
  void tamperedModelUnderEnforceIsAFailWithItsReason() {
    TestModels.write(signed.model.resolve("config.json"), "changed");

    PolicyReportResult r = onlyResult("Enforce", Evaluation.SCAN);

    assertThat(r.result()).isEqualTo(PolicyResult.FAIL);
    assertThat(r.scored()).isTrue();
    assertThat(r.properties())
        .containsEntry("mode", "Enforce")
        .containsEntry("reasons", "DIGEST_MISMATCH")
        .containsEntry("evaluation", "scan");
    assertThat(r.message())
        .contains("failed ClusterModelPolicy/signed")
        .contains("DIGEST_MISMATCH");
  }

  @Test
  void failureUnderWarnIsAnUnscoredWarn() {
    TestModels.write(signed.model.resolve("extra.bin"), "x");

    PolicyReportResult r = onlyResult("Warn", Evaluation.ADMISSION);

    assertThat(r.result()).isEqualTo(PolicyResult.WARN);
    assertThat(r.scored()).isFalse();
    assertThat(r.properties())
        .containsEntry("mode", "Warn")
        .containsEntry("reasons", "UNSIGNED_FILE");
  }

  @Test
  void failureUnderAuditIsAFailMarkedAudit() {
    TestModels.write(signed.model.resolve("extra.bin"), "x");

    PolicyReportResult r = onlyResult("Audit", Evaluation.ADMISSION);

    assertThat(r.result()).isEqualTo(PolicyResult.FAIL);
    assertThat(r.properties())
        .containsEntry("mode", "Audit")
        .containsEntry("reasons", "UNSIGNED_FILE");
  }

  @Test
  void passUnderAuditAndWarnIsAPassWithTheMode() {
    PolicyReportResult audit = onlyResult("Audit", Evaluation.ADMISSION);
    PolicyReportResult warn = onlyResult("Warn", Evaluation.ADMISSION);

    assertThat(audit.result()).isEqualTo(PolicyResult.PASS);
    assertThat(audit.properties()).containsEntry("mode", "Audit");
    assertThat(warn.result()).isEqualTo(PolicyResult.PASS);
    assertThat(warn.scored()).isTrue();
  }

  @Test
  void modelNotVerifiedInTimeIsAnErrorInEveryMode() {
    for (String mode : List.of("Enforce", "Warn", "Audit")) {
      harness.policy(
          "p.yaml", AdmissionHarness.keyPolicy("signed", mode, "file://**", signed.publicKey, ""));
      AdmissionOutcome late =
          harness
              .service()
              .review(AdmissionHarness.create(podYaml()), Instant.now().minusSeconds(1));

      PolicyReportResult r =
          VerdictResults.of(new WorkloadVerdicts(POD, late.verdicts(), AT, Evaluation.SCAN)).get(0);

      assertThat(r.result()).as(mode).isEqualTo(PolicyResult.ERROR);
      assertThat(r.properties())
          .containsEntry("reasons", "UNAVAILABLE")
          .containsEntry("mode", mode);
      assertThat(r.message()).contains("timed out before verification");
    }
  }

  @Test
  void modelNoPolicyMatchesIsReportedUnderAPolicyNameThatSaysSo() {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy("elsewhere", "Enforce", "oci://**", signed.publicKey, ""));
    AdmissionOutcome o =
        harness.noMatch(NoMatchBehaviour.WARN).review(AdmissionHarness.create(podYaml()));

    PolicyReportResult r =
        VerdictResults.of(new WorkloadVerdicts(POD, o.verdicts(), AT, Evaluation.ADMISSION)).get(0);

    assertThat(r.policy()).isEqualTo("(no matching policy)");
    assertThat(r.result()).isEqualTo(PolicyResult.WARN);
    assertThat(r.properties()).containsEntry("reasons", "NO_POLICY");
  }

  @Test
  void everyMatchingPolicyGetsItsOwnResultAndTheReportCountsThem() throws Exception {
    SignedModel other = SignedModel.create(Files.createDirectories(tmp.resolve("other")));
    harness.policy(
        "a.yaml", AdmissionHarness.keyPolicy("ours", "Enforce", "file://**", signed.publicKey, ""));
    harness.policy(
        "b.yaml", AdmissionHarness.keyPolicy("theirs", "Audit", "file://**", other.publicKey, ""));
    AdmissionOutcome o = harness.review(AdmissionHarness.create(podYaml()));

    PolicyReport report =
        PolicyReports.of(
            "ml", VerdictResults.of(new WorkloadVerdicts(POD, o.verdicts(), AT, Evaluation.SCAN)));

    assertThat(report.results())
        .extracting(PolicyReportResult::policy, PolicyReportResult::result)
        .containsExactly(
            tuple("ClusterModelPolicy/ours", PolicyResult.PASS),
            tuple("ClusterModelPolicy/theirs", PolicyResult.FAIL));
    assertThat(report.summary()).isEqualTo(new PolicyReportSummary(1, 1, 0, 0, 0));
    assertThat(report.scope()).hasValue(ObjectReference.of("v1", "Namespace", "", "ml", ""));
    assertThat(report.describe()).isEqualTo("PolicyReport ml/modelgate");
  }
}
