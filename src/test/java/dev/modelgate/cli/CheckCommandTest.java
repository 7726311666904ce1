package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.testing.Cli;
import dev.modelgate.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelgate check} gives the webhook's decision offline on the shipped policies/ and testdata/. */
class CheckCommandTest {
  @TempDir Path tmp;

  private Path render(String workload) throws Exception {
    String text = Files.readString(Path.of("testdata/workloads").resolve(workload))
        .replace("@MODELS@", Path.of("testdata/models").toAbsolutePath().toString())
        .replace("@MODEL@", "sample");
    return TestModels.write(tmp.resolve(workload), text);
  }

  @Test
  void signedDeploymentIsAdmitted() throws Exception {
    Cli.Result r = Cli.run("check", "--policies", "policies", render("deployment-signed.yaml"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err()).contains("ADMIT Deployment inference/llm-server").contains("verified by ClusterModelPolicy/testdata-signed-models");
  }

  @Test
  void tamperedDeploymentIsDeniedWithTheFileNamed() throws Exception {
    Cli.Result r = Cli.run("check", "--policies", "policies", render("deployment-tampered.yaml"), "--json");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("DENY  Deployment inference/llm-server-tampered").contains("DIGEST_MISMATCH: file 'config.json'");
    assertThat(r.out()).contains("\"schemaVersion\" : \"modelgate.dev/check-result/v1\"").contains("\"admitted\" : false");
  }

  @Test
  void admissionReviewJsonIsCheckedToo() throws Exception {
    Cli.Result r = Cli.run("check", "--policies", "policies", render("admission-review-pod.json"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err()).contains("ADMIT Pod inference/llm-0");
  }

  @Test
  void unreadableWorkloadIsBadInput() throws Exception {
    Path bad = TestModels.write(tmp.resolve("bad.yaml"), "kind: [unclosed");

    Cli.Result r = Cli.run("check", "--policies", "policies", bad);

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("is not YAML or JSON");
  }

  @Test
  void missingPolicyDirectoryIsBadInput() throws Exception {
    Cli.Result r = Cli.run("check", "--policies", tmp.resolve("nope"), render("deployment-signed.yaml"));

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("policy directory " + tmp.resolve("nope") + " does not exist");
  }

  @Test
  void volumeModelShowsTheInitContainerMutateWouldInject() {
    Cli.Result r = Cli.run("check", "--policies", "policies", Path.of("testdata/workloads/deployment-pvc.yaml"), "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err())
        .contains("ADMIT Deployment inference/vllm")
        .contains("will be verified on the volume by ModelGate's init container before use (ClusterModelPolicy/volume-models-signed)")
        .contains("mutate: add /spec/template/spec/initContainers");
    assertThat(r.out()).contains("modelgate-verify-llama").contains("verify-volume");
  }

  @Test
  void writableMountOfAVolumeModelIsDenied() throws Exception {
    Path w = TestModels.write(tmp.resolve("w.yaml"), Files.readString(Path.of("testdata/workloads/deployment-pvc.yaml"))
        .replace("subPath: llama-3-8b, readOnly: true}", "subPath: llama-3-8b}"));

    Cli.Result r = Cli.run("check", "--policies", "policies", w);

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("container 'vllm' mounts model volume 'models' writable");
  }
}
