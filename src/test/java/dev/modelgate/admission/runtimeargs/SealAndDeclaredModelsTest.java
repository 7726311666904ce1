package dev.modelgate.admission.runtimeargs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.SignedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verification.sealRuntimeDownloads} (the /mutate patch applied, then /validate on the
 * result) and {@code spec.declaredModels} (templates an operator builds with labels only: KAITO's
 * {@code kaito.sh/workspace}), with the NO_MODEL_DECLARED remedy each shape is given.
 */
class SealAndDeclaredModelsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  AdmissionHarness harness;
  SignedModel signed;

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    harness = new AdmissionHarness(tmp);
  }

  private void policy(String extra) {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy("every-model", "Enforce", "**", signed.publicKey, extra));
  }

  private static JsonNode servingPod(String env) throws Exception {
    return new YAMLMapper()
        .readTree(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: server\n  namespace: ml\n"
                + "  annotations: {model.modelgate.dev/llm: 'pvc://models/llama'}\n"
                + "spec:\n  containers:\n"
                + "    - name: server\n      image: registry.example.com/llm-server:1\n"
                + env
                + "      volumeMounts: [{name: weights, mountPath: /models, subPath: llama, readOnly: true}]\n"
                + "    - name: metrics\n      image: registry.example.com/metrics:1\n"
                + "  volumes: [{name: weights, persistentVolumeClaim: {claimName: models}}]\n");
  }

  @Test
  void mutateSealsEveryContainerThatMountsTheModelAndTheResultIsAdmitted() throws Exception {
    policy("  verification: {sealRuntimeDownloads: true}\n");
    JsonNode pod = servingPod("");

    AdmissionOutcome mutate = harness.review(pod, true);
    JsonNode patched = AdmissionHarness.patched(mutate, pod);
    AdmissionOutcome validated = harness.review(patched, false);

    assertThat(patched.at("/spec/containers/0/env").toString())
        .contains("{\"name\":\"HF_HUB_OFFLINE\",\"value\":\"1\"}")
        .contains("{\"name\":\"TRANSFORMERS_OFFLINE\",\"value\":\"1\"}");
    assertThat(patched.at("/spec/containers/1/env").isMissingNode())
        .as("a container that does not mount the model is left alone")
        .isTrue();
    assertThat(validated.allowed()).as(validated.message()).isTrue();
  }

  @Test
  void validateDeniesAContainerThatOverridesTheSeal() throws Exception {
    policy("  verification: {sealRuntimeDownloads: true}\n");
    JsonNode pod =
        servingPod(
            "      env: [{name: HF_HUB_OFFLINE, value: '0'}, {name: TRANSFORMERS_OFFLINE, valueFrom: {configMapKeyRef: {name: c, key: k}}}]\n");

    AdmissionOutcome mutate = harness.review(pod, true);
    AdmissionOutcome validated = harness.review(AdmissionHarness.patched(mutate, pod), false);

    assertThat(validated.allowed()).isFalse();
    assertThat(validated.message())
        .contains("RUNTIME_DOWNLOADS_UNSEALED")
        .contains(
            "container 'server' mounts model 'llm' and sets HF_HUB_OFFLINE=0, overriding the seal")
        .contains("takes TRANSFORMERS_OFFLINE from valueFrom, which ModelGate cannot see");
  }

  @Test
  void withoutMutationAnEnvFromContainerIsDeniedAndToldWhy() throws Exception {
    policy("  verification: {sealRuntimeDownloads: true}\n");

    AdmissionOutcome o =
        harness.review(servingPod("      envFrom: [{configMapRef: {name: runtime-env}}]\n"), false);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("does not set HF_HUB_OFFLINE in env (envFrom may, but ModelGate cannot see it)");
  }

  @Test
  void withoutTheOptionNothingIsSealed() throws Exception {
    policy("");
    JsonNode pod = servingPod("");

    AdmissionOutcome mutate = harness.review(pod, true);

    assertThat(JSON.valueToTree(mutate.patch()).toString()).doesNotContain("HF_HUB_OFFLINE");
  }

  private static JsonNode kaitoDeployment() throws Exception {
    // KAITO's workspace controller labels what it builds kaito.sh/workspace: <name>
    // (kaito-project/kaito, the label its NodeClaims and InferenceSet selectors use).
    return new YAMLMapper()
        .readTree(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: workspace-phi-4, namespace: ml}\n"
                + "spec:\n  template:\n    metadata:\n      labels: {kaito.sh/workspace: workspace-phi-4}\n"
                + "    spec:\n      containers:\n"
                + "        - name: workspace-phi-4\n          image: mcr.microsoft.com/aks/kaito/kaito-base:0.0.8\n"
                + "          command: [/bin/sh, -c, 'python3 /workspace/tfs/inference_api.py']\n"
                + "          volumeMounts: [{name: weights, mountPath: /workspace/weights, subPath: phi-4, readOnly: true}]\n"
                + "      volumes: [{name: weights, persistentVolumeClaim: {claimName: models}}]\n");
  }

  @Test
  void aModelDeclaredInThePolicyIsVerifiedInTheOperatorsPod() throws Exception {
    policy(
        "  requireModels: true\n  declaredModels:\n"
            + "    - name: phi-4\n      uri: pvc://models/phi-4\n"
            + "      workloadSelector: {matchLabels: {kaito.sh/workspace: workspace-phi-4}}\n");
    JsonNode d = kaitoDeployment();

    AdmissionOutcome mutate = harness.review(d, true);
    JsonNode patched = AdmissionHarness.patched(mutate, d);
    AdmissionOutcome validated = harness.review(patched, false);

    assertThat(patched.at("/spec/template/spec/initContainers/0/name").asText())
        .isEqualTo("modelgate-verify-phi-4");
    assertThat(validated.allowed()).as(validated.message()).isTrue();
    assertThat(validated.modelsFound()).isEqualTo(1);
  }

  @Test
  void anOperatorTemplateWithoutADeclarationIsToldToDeclareItInThePolicy() throws Exception {
    policy("  requireModels: true\n");

    AdmissionOutcome o = harness.review(kaitoDeployment(), false);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("NO_MODEL_DECLARED")
        .contains("built by KAITO (kaito.sh/workspace)")
        .contains("spec.declaredModels");
  }

  @Test
  void aRuntimeLoaderIsToldThatModelsLoadedIntoARunningServerCannotBeVerified() throws Exception {
    policy("  requireModels: true\n");
    // Seldon Core 2 server StatefulSet (seldon-core operator: app: seldon-server,
    // seldon-server-name), agent and rclone beside the inference server.
    JsonNode seldon =
        new YAMLMapper()
            .readTree(
                "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: mlserver, namespace: ml}\n"
                    + "spec:\n  template:\n    metadata:\n      labels: {app: seldon-server, seldon-server-name: mlserver}\n"
                    + "    spec:\n      containers:\n"
                    + "        - {name: rclone, image: seldonio/seldon-rclone}\n"
                    + "        - {name: agent, image: seldonio/seldon-agent}\n"
                    + "        - {name: mlserver, image: seldonio/mlserver}\n");

    AdmissionOutcome o = harness.review(seldon, false);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("Seldon Core 2 loads models into a running server through its API")
        .doesNotContain("annotate the pod template");
  }

  @Test
  void aDeclaredDownloadIsACompileErrorAtItsField() {
    policy(
        "  declaredModels:\n    - name: phi-4\n      uri: s3://bucket/phi-4\n"
            + "      workloadSelector: {matchLabels: {app: x}}\n");

    AdmissionOutcome o =
        harness.review(
            JSON.createObjectNode()
                .put("apiVersion", "v1")
                .put("kind", "Pod")
                .set(
                    "metadata",
                    JSON.createObjectNode()
                        .put("name", "p")
                        .set(
                            "annotations",
                            JSON.createObjectNode()
                                .put("model.modelgate.dev/llm", "file://" + signed.model))),
            false);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("POLICY_INVALID").contains("spec.declaredModels[0].uri");
  }
}
