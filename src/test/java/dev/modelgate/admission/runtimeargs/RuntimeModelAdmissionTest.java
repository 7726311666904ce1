package dev.modelgate.admission.runtimeargs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.ServingPods;
import dev.modelgate.testing.SignedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runtime model arguments through the webhook's own path ({@link
 * dev.modelgate.admission.AdmissionService}, /mutate then /validate), with one policy over every
 * model trusting a real signed test model's key: a flag inside the verified mount is admitted, a
 * hub ID is refused naming container, flag and value, per mode; runtime adapter loading only with
 * {@code allowRuntimeAdapterLoading}.
 */
class RuntimeModelAdmissionTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  AdmissionHarness harness;
  SignedModel signed;

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    harness = new AdmissionHarness(tmp);
    policy("Enforce", "");
  }

  private void policy(String mode, String extra) {
    harness.policy(
        "p.yaml", AdmissionHarness.keyPolicy("every-model", mode, "**", signed.publicKey, extra));
  }

  @Test
  void kserveModelDirInsideTheVerifiedMountIsAdmittedAfterMutation() {
    JsonNode pod = ServingPods.kserveHuggingface("hf://meta-llama/Llama-3.1-8B");

    AdmissionOutcome o = harness.mutateThenValidate(pod);

    assertThat(o.allowed()).as(o.message()).isTrue();
  }

  @Test
  void kserveModelIdFromTheHubIsRefusedNamingContainerFlagAndValue() {
    JsonNode pod =
        ServingPods.kserveHuggingface("hf://meta-llama/Llama-3.1-8B", "--model_id=org/other");

    AdmissionOutcome o = harness.mutateThenValidate(pod);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("RUNTIME_MODEL_SOURCE")
        .contains(
            "container 'kserve-container' runs KServe huggingfaceserver with --model_id org/other")
        .contains("Hugging Face Hub ID");
  }

  @Test
  void warnModeAdmitsAHubModelWithTheWarningAndAuditRecordsIt() {
    JsonNode deployment = ServingPods.productionStackVllm("meta-llama/Llama-3.1-8B", "");
    policy("Warn", "");
    AdmissionOutcome warned = harness.review(deployment, false);
    policy("Audit", "");
    AdmissionOutcome audited = harness.review(deployment, false);

    assertThat(warned.allowed()).isTrue();
    assertThat(warned.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("RUNTIME_MODEL_SOURCE")
                    .contains("serve MODEL meta-llama/Llama-3.1-8B"));
    assertThat(audited.allowed()).isTrue();
    assertThat(audited.warnings()).isEmpty();
  }

  @Test
  void aPathOnAnUnannotatedClaimIsVerifiedInThePodAsIfAnnotated() throws Exception {
    JsonNode deployment =
        ServingPods.deployment(
            "vllm",
            "{app: vllm}",
            "    - name: vllm\n      image: vllm/vllm-openai\n      command: [vllm, serve, /data/llama]\n"
                + "      volumeMounts: [{name: weights, mountPath: /data/llama, subPath: llama, readOnly: true}]\n"
                + "    volumes: [{name: weights, persistentVolumeClaim: {claimName: models}}]\n");

    AdmissionOutcome withoutVerifier = harness.review(deployment, false);
    AdmissionOutcome mutate = harness.review(deployment, true);
    JsonNode patched = AdmissionHarness.patched(mutate, deployment);
    AdmissionOutcome validated = harness.review(patched, false);

    assertThat(withoutVerifier.allowed()).isFalse();
    assertThat(withoutVerifier.message()).contains("VERIFIER_MISSING");
    JsonNode verifier = patched.at("/spec/template/spec/initContainers/0");
    assertThat(verifier.path("name").asText()).isEqualTo("modelgate-verify-vllm-serve-model");
    assertThat(verifier.path("args").toString())
        .contains("/modelgate/model/llama")
        .contains("volume://weights/llama");
    assertThat(validated.allowed()).as(validated.message()).isTrue();
  }

  private JsonNode loraUpdatingPod() throws Exception {
    return new YAMLMapper()
        .readTree(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: vllm\n  namespace: ml\n"
                + "  annotations: {model.modelgate.dev/llm: 'pvc://models/llama'}\n"
                + "spec:\n  containers:\n"
                + "    - name: vllm\n      image: vllm/vllm-openai\n"
                + "      command: [vllm, serve, /models/llama, --enable-lora]\n"
                + "      env: [{name: VLLM_ALLOW_RUNTIME_LORA_UPDATING, value: 'True'}]\n"
                + "      volumeMounts: [{name: weights, mountPath: /models/llama, subPath: llama, readOnly: true}]\n"
                + "  volumes: [{name: weights, persistentVolumeClaim: {claimName: models}}]\n");
  }

  @Test
  void runtimeLoraUpdatingIsRefusedUnlessThePolicyAllowsIt() throws Exception {
    AdmissionOutcome refused = harness.mutateThenValidate(loraUpdatingPod());
    policy("Enforce", "  verification: {allowRuntimeAdapterLoading: true}\n");
    AdmissionOutcome allowed = harness.mutateThenValidate(loraUpdatingPod());

    assertThat(refused.allowed()).isFalse();
    assertThat(refused.message())
        .contains("RUNTIME_MODEL_SOURCE")
        .contains("sets VLLM_ALLOW_RUNTIME_LORA_UPDATING=True")
        .contains("does not set verification.allowRuntimeAdapterLoading");
    assertThat(allowed.allowed()).as(allowed.message()).isTrue();
  }

  @Test
  void aibrixAdapterSidecarIsRefused() {
    AdmissionOutcome o = harness.review(ServingPods.aibrixAdapters(), false);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("container 'aibrix-runtime' runs AIBrix's aibrix_runtime sidecar");
  }
}
