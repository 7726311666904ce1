package dev.modelgate.admission.runtimeargs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * A runtime argument inside a verified model is covered by that model, except inside a path its
 * policy exempts from verification: a model planted in an ignored directory of the claim (or in the
 * Git paths every policy ignores) is not what was verified. vLLM's positional model argument
 * ({@code vllm serve MODEL}, vllm/entrypoints/cli/serve.py) names it.
 */
class IgnoredPathReadsTest {
  @TempDir Path tmp;
  SignedModel signed;

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
  }

  private AdmissionOutcome admit(String verification, String model) throws Exception {
    return admit(verification, model, "{model.modelgate.dev/llama: 'pvc://models/llama'}");
  }

  private AdmissionOutcome admit(String verification, String model, String annotations)
      throws Exception {
    AdmissionHarness h =
        new AdmissionHarness(Files.createTempDirectory(tmp, "h"))
            .policy(
                "p.yaml",
                AdmissionHarness.keyPolicy(
                    "all-models", "Enforce", "**", signed.publicKey, verification));
    JsonNode pod =
        new YAMLMapper()
            .readTree(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: vllm\n  namespace: ml\n"
                    + "  annotations: "
                    + annotations
                    + "\n"
                    + "spec:\n  containers:\n    - name: vllm\n      image: vllm/vllm-openai\n"
                    + "      command: [vllm, serve, '"
                    + model
                    + "']\n      volumeMounts: [{name: m, mountPath: /models, subPath: llama, readOnly: true}]\n"
                    + "  volumes:\n    - {name: m, persistentVolumeClaim: {claimName: models}}\n");
    return h.mutateThenValidate(pod);
  }

  @Test
  void aServerPointedIntoAnIgnoredDirectoryOfTheModelIsRefused() throws Exception {
    AdmissionOutcome o = admit("  verification: {ignorePaths: [.cache]}\n", "/models/.cache/other");

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains(
            "RUNTIME_MODEL_SOURCE: container 'vllm' runs its server with serve MODEL /models/.cache/other, inside model 'llama' at '.cache/other', which policy ClusterModelPolicy/all-models exempts from verification");
  }

  @Test
  void theGitPathsEveryPolicyIgnoresAreNoModelEither() throws Exception {
    AdmissionOutcome o = admit("", "/models/.git/lfs/objects");

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("inside model 'llama' at '.git/lfs/objects'");
  }

  @Test
  void theModelDirectoryOrAVerifiedPathBelowItIsAdmitted() throws Exception {
    AdmissionOutcome root = admit("  verification: {ignorePaths: [.cache]}\n", "/models");
    AdmissionOutcome below = admit("  verification: {ignorePaths: [.cache]}\n", "/models/cache");
    AdmissionOutcome notIgnored = admit("", "/models/.cache/other");

    assertThat(root.allowed()).as(root.message()).isTrue();
    assertThat(below.allowed()).as(below.message()).isTrue();
    assertThat(notIgnored.allowed()).as(notIgnored.message()).isTrue();
  }

  @Test
  void aReadInsideAModelNamedTwiceIsJudgedByTheModelTheyMergeInto() throws Exception {
    // Two annotations naming the same model are one model (one verdict, one verifier): the read,
    // found while inspecting the workload before that merge, is still judged by the policy.
    AdmissionOutcome o =
        admit(
            "  verification: {ignorePaths: [.cache]}\n",
            "/models/.cache/other",
            "{model.modelgate.dev/a-llama: 'pvc://models/llama', model.modelgate.dev/llama:"
                + " 'pvc://models/llama'}");

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("at '.cache/other', which policy");
  }

  @Test
  void aPathInAnIgnoredDirectoryThatIsNoOmsPathIsRefusedNotSkipped() throws Exception {
    // A backslash is an ordinary file-name byte on Linux, so the server opens a file inside the
    // ignored .cache/; OMS paths may not hold one, so the path cannot be read as a model path.
    AdmissionOutcome o =
        admit("  verification: {ignorePaths: [.cache]}\n", "/models/.cache/a\\\\b");

    assertThat(o.allowed()).as(o.message()).isFalse();
    assertThat(o.message()).contains("RUNTIME_MODEL_SOURCE").contains("inside model 'llama'");
  }
}
