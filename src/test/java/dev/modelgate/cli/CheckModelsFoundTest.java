package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
  void deploymentThatFetchesItsModelAtStartUpSaysZeroModelsFound() throws Exception {
    Path w =
        TestModels.write(
            tmp.resolve("vllm.yaml"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: vllm, namespace: inference}\n"
                + "spec:\n  template:\n    spec:\n      containers: [{name: vllm, image: vllm/vllm-openai, args: ['--model', 'meta-llama/Meta-Llama-3-8B']}]\n");

    Cli.Result r = Cli.run("check", "--policies", "policies", w, "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err()).contains("ADMIT Deployment inference/vllm").contains("  0 models found");
    assertThat(r.out()).contains("\"modelsFound\" : 0");
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
}
