package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.ServingPods;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vLLM Deployment whose {@code vllm serve /data/model} names a path on an unannotated claim: the
 * implicit {@code volume://} model gets the verifier /mutate injects, which is run here as its own
 * process with that container's arguments and environment on a directory standing for the claim,
 * holding a real signed model: it passes, and fails when a weight is changed after signing.
 */
class RuntimeArgumentVerifierProcessTest {
  @TempDir Path tmp;
  Path claim;
  JsonNode verifier;

  @BeforeEach
  void setUp() throws Exception {
    claim = Files.createDirectories(tmp.resolve("claim"));
    SignedModel signed = SignedModel.create(claim);
    AdmissionHarness harness =
        new AdmissionHarness(tmp)
            .policy(
                "p.yaml",
                AdmissionHarness.keyPolicy(
                    "claims", "Enforce", "volume://**", signed.publicKey, ""));
    JsonNode deployment =
        ServingPods.deployment(
            "vllm",
            "{app: vllm}",
            "    - name: vllm\n      image: vllm/vllm-openai\n      command: [vllm, serve, /data/model, --port, '8000']\n"
                + "      volumeMounts: [{name: weights, mountPath: /data/model, subPath: model, readOnly: true}]\n"
                + "    volumes: [{name: weights, persistentVolumeClaim: {claimName: models}}]\n");
    AdmissionOutcome mutate = harness.review(deployment, true);
    JsonNode patched = AdmissionHarness.patched(mutate, deployment);
    assertThat(harness.review(patched, false).allowed()).isTrue();
    verifier = patched.at("/spec/template/spec/initContainers/0");
    assertThat(verifier.path("name").asText()).isEqualTo("modelgate-verify-vllm-serve-model");
  }

  private record Run(int exit, String log) {}

  private Run runInjectedVerifier() throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.modelgate.cli.Main"));
    String mount = verifier.at("/volumeMounts/0/mountPath").asText();
    verifier.path("args").forEach(a -> cmd.add(a.asText().replace(mount, claim.toString())));
    cmd.addAll(List.of("--termination-log", tmp.resolve("termination-log").toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    verifier
        .path("env")
        .forEach(e -> pb.environment().put(e.path("name").asText(), e.path("value").asText()));
    Process p = pb.start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), log);
  }

  @Test
  void theSignedModelTheServerLoadsPassesInThePod() throws Exception {
    Run r = runInjectedVerifier();

    assertThat(r.exit()).as(r.log()).isZero();
    assertThat(r.log())
        .contains(
            "model 'vllm-serve-model' (volume://weights/model) verified by ClusterModelPolicy/claims");
  }

  @Test
  void aWeightChangedAfterSigningFailsInThePod() throws Exception {
    TestModels.write(claim.resolve("model/model.safetensors"), "swapped after signing");

    Run r = runInjectedVerifier();

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.log()).contains("DIGEST_MISMATCH");
  }
}
