package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.KServePods;
import dev.modelgate.testing.TestModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check} says how many models it found in every workload, "0 models found" included, in text
 * and --json.
 */
class CheckModelsFoundTest {
  @TempDir Path tmp;

  @Test
  void deploymentNamingNoModelSaysZeroModelsFound() throws Exception {
    Path w =
        TestModels.write(
            tmp.resolve("web.yaml"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: inference}\n"
                + "spec:\n  template:\n    spec:\n      containers: [{name: web, image: nginx, args: ['-g', 'daemon off;']}]\n");

    Cli.Result r = Cli.run("check", "--policies", "policies", w, "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err()).contains("ADMIT Deployment inference/web").contains("  0 models found");
    assertThat(r.out()).contains("\"modelsFound\" : 0");
  }

  @Test
  void deploymentWhoseServerFetchesItsModelAtStartUpIsOneModelFound() throws Exception {
    // Until issue 21 this vLLM shape was "0 models found": its --model is a model too.
    Path w =
        TestModels.write(
            tmp.resolve("vllm.yaml"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: vllm, namespace: inference}\n"
                + "spec:\n  template:\n    spec:\n      containers: [{name: vllm, image: vllm/vllm-openai, args: ['--model', 'meta-llama/Meta-Llama-3-8B']}]\n");

    Cli.Result r = Cli.run("check", "--policies", "policies", "--no-match", "deny", w, "--json");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err())
        .contains("  1 model found")
        .contains("FAIL model 'vllm-model' (hf://meta-llama/Meta-Llama-3-8B)");
    assertThat(r.out()).contains("\"modelsFound\" : 1");
  }

  @Test
  void kservePodWithAnS3StorageUriIsOneModelFoundAndNotIgnored() throws Exception {
    Path w =
        TestModels.write(
            tmp.resolve("pod.json"),
            KServePods.afterStorageInitializer("s3://models-bucket/llama").toString());

    Cli.Result r = Cli.run("check", "--policies", "policies", "--no-match", "deny", w, "--json");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .contains("  1 model found")
        .contains("FAIL model 'kserve-storage' (s3://models-bucket/llama): NO_POLICY");
    assertThat(r.out()).contains("\"modelsFound\" : 1");
  }

  @Test
  void jsonOmitsTheMessageOfAnAdmittedWorkloadAndThePolicyOfAnUnmatchedModel() throws Exception {
    Path admitted =
        TestModels.write(
            tmp.resolve("vllm.yaml"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: vllm, namespace: inference}\n"
                + "spec:\n  template:\n    spec:\n      containers: [{name: vllm, image: vllm}]\n");
    Path unmatched =
        TestModels.write(
            tmp.resolve("pod.json"),
            KServePods.afterStorageInitializer("s3://models-bucket/llama").toString());

    JsonNode ok =
        new ObjectMapper()
            .readTree(Cli.run("check", "--policies", "policies", admitted, "--json").out());
    JsonNode denied =
        new ObjectMapper()
            .readTree(
                Cli.run(
                        "check",
                        "--policies",
                        "policies",
                        "--no-match",
                        "deny",
                        unmatched,
                        "--json")
                    .out());

    assertThat(ok.path("workloads").get(0).has("message")).isFalse();
    JsonNode workload = denied.path("workloads").get(0);
    assertThat(workload.path("message").asText())
        .startsWith("ModelGate denied this workload: model 'kserve-storage'");
    JsonNode verdict = workload.path("verdicts").get(0);
    assertThat(verdict.has("policy")).isFalse();
    assertThat(verdict.path("failures").get(0).path("reason").asText()).isEqualTo("NO_POLICY");
    assertThat(verdict.path("failures").get(0).path("field").asText())
        .isEqualTo("spec.initContainers[0].args[0]");
  }
}
