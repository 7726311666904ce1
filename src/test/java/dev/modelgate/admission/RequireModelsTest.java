package dev.modelgate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.SignedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spec.requireModels}: a workload the policy selects must name a model, in the policy's
 * mode.
 */
class RequireModelsTest {
  @TempDir Path tmp;
  AdmissionHarness harness;
  SignedModel signed;

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    harness = new AdmissionHarness(tmp);
  }

  private String policy(String mode, String selectors) {
    return AdmissionHarness.keyPolicy(
            "declared-models", mode, "**", signed.publicKey, "  requireModels: true\n")
        .replace("  match:\n", "  match:\n" + selectors);
  }

  private static String deployment(String labels) {
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: vllm, namespace: ml}\nspec:\n  template:\n    metadata:\n      labels: {"
        + labels
        + "}\n"
        + "    spec:\n      containers: [{name: vllm, image: registry.example.com/llm-server:1}]\n";
  }

  @Test
  void workloadNamingNoModelFailsWithHowToDeclareOne() {
    harness.policy("p.yaml", policy("Enforce", ""));

    AdmissionOutcome o = harness.review(AdmissionHarness.create(deployment("app: vllm")));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains(
            "NO_MODEL_DECLARED: Deployment ml/vllm names no model (0 models found), and policy ClusterModelPolicy/declared-models requires")
        .contains("annotate the pod template with model.modelgate.dev/<name>: <uri>");
  }

  @Test
  void warnModeAdmitsWithTheWarningAndAuditAdmitsSilently() {
    harness.policy("p.yaml", policy("Warn", ""));
    AdmissionOutcome warned = harness.review(AdmissionHarness.create(deployment("app: vllm")));
    harness.policy("p.yaml", policy("Audit", ""));
    AdmissionOutcome audited = harness.review(AdmissionHarness.create(deployment("app: vllm")));

    assertThat(warned.allowed()).isTrue();
    assertThat(warned.warnings())
        .singleElement()
        .asString()
        .startsWith("NO_MODEL_DECLARED: Deployment ml/vllm names no model");
    assertThat(audited.allowed()).isTrue();
    assertThat(audited.warnings()).isEmpty();
  }

  @Test
  void onlyWorkloadsAndNamespacesThePolicySelectsMustNameAModel() {
    harness.policy(
        "p.yaml",
        policy(
            "Enforce",
            "    workloadSelector: {matchLabels: {serving: llm}}\n    namespaceSelector: {matchLabels: {tier: inference}}\n"));
    harness.namespaceLabels.put(
        "ml", Map.of("tier", "inference", "kubernetes.io/metadata.name", "ml"));

    AdmissionOutcome selected = harness.review(AdmissionHarness.create(deployment("serving: llm")));
    AdmissionOutcome otherWorkload =
        harness.review(AdmissionHarness.create(deployment("app: web")));
    harness.namespaceLabels.put("ml", Map.of("tier", "batch"));
    AdmissionOutcome otherNamespace =
        harness.review(AdmissionHarness.create(deployment("serving: llm")));

    assertThat(selected.allowed()).isFalse();
    assertThat(selected.message()).contains("NO_MODEL_DECLARED");
    assertThat(otherWorkload.allowed()).as(otherWorkload.message()).isTrue();
    assertThat(otherNamespace.allowed()).as(otherNamespace.message()).isTrue();
  }

  @Test
  void withoutRequireModelsAModellessWorkloadIsAdmitted() {
    harness.policy(
        "p.yaml", AdmissionHarness.keyPolicy("signed", "Enforce", "**", signed.publicKey, ""));

    AdmissionOutcome o = harness.review(AdmissionHarness.create(deployment("app: vllm")));

    assertThat(o.allowed()).isTrue();
  }

  @Test
  void brokenRequireModelsPolicyStillDeniesWhatItSelects() {
    harness.policy(
        "p.yaml",
        policy("Enforce", "")
            .replace("release-key", "")
            .replace("  authorities:", "  signatures: {threshold: 9}\n  authorities:"));

    AdmissionOutcome o = harness.review(AdmissionHarness.create(deployment("app: vllm")));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("NO_MODEL_DECLARED");
  }

  @Test
  void workloadNamingAModelIsJudgedOnThatModel() {
    harness.policy("p.yaml", policy("Enforce", ""));
    String declared =
        deployment("app: vllm")
            .replace(
                "      labels: {app: vllm}\n",
                "      labels: {app: vllm}\n      annotations: {model.modelgate.dev/llm: 'file://"
                    + signed.model
                    + "'}\n");

    AdmissionOutcome o = harness.review(AdmissionHarness.create(declared));

    assertThat(o.allowed()).as(o.message()).isTrue();
  }
}
