package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Reason;
import dev.modelgate.inpod.VerifierOutcome;
import dev.modelgate.policy.Mode;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The init container's verify mode, run as its own process as the kubelet would: policies from the
 * environment, exit code, and in the termination log the first reason and the outcome record.
 */
class VerifyVolumeProcessTest {
  @TempDir Path tmp;
  SignedModel signed;
  Path terminationLog;

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("volume")));
    terminationLog = tmp.resolve("termination-log");
  }

  record Run(int exit, String log, String termination) {}

  private Run run(String policies, String... extra) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.modelgate.cli.Main",
                "verify-volume",
                signed.model.toString(),
                "--model-uri",
                "pvc://models/llama",
                "--model-name",
                "llm",
                "--termination-log",
                terminationLog.toString()));
    cmd.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("MODELGATE_POLICIES");
    if (policies != null) {
      pb.environment().put("MODELGATE_POLICIES", policies);
    }
    Process p = pb.start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String term = Files.exists(terminationLog) ? Files.readString(terminationLog) : "";
    return new Run(p.exitValue(), log, term);
  }

  private String policy(String mode) {
    return AdmissionHarness.keyPolicy("volumes", mode, "pvc://**", signed.publicKey, "");
  }

  @Test
  void signedModelPassesAndLogsWhoSignedIt() throws Exception {
    Run r = run(policy("Enforce"));

    assertThat(r.exit()).as(r.log()).isZero();
    assertThat(r.log())
        .contains("model 'llm' (pvc://models/llama) verified by ClusterModelPolicy/volumes")
        .contains("hashing 5 files");
    VerifierOutcome recorded = VerifierOutcome.parse(r.termination());
    assertThat(recorded.model()).isEqualTo("llm");
    assertThat(recorded.uri()).isEqualTo("pvc://models/llama");
    assertThat(recorded.results())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.policy()).isEqualTo("ClusterModelPolicy/volumes");
              assertThat(p.passed()).isTrue();
              assertThat(p.method()).contains("key");
              assertThat(p.signer()).isPresent();
            });
  }

  @Test
  void tamperedFileFailsAndTheTerminationMessageNamesIt() throws Exception {
    TestModels.write(signed.model.resolve("model.safetensors"), "poisoned");

    Run r = run(policy("Enforce"));

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.termination())
        .startsWith(
            "model 'llm' (pvc://models/llama) failed ClusterModelPolicy/volumes: DIGEST_MISMATCH: file 'model.safetensors' has sha256:");
    assertThat(VerifierOutcome.parse(r.termination()).results())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.passed()).isFalse();
              assertThat(p.reason()).contains(Reason.DIGEST_MISMATCH);
            });
  }

  @Test
  void missingSignatureFails() throws Exception {
    Files.delete(signed.signature);

    Run r = run(policy("Enforce"));

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.termination()).contains("NOT_FOUND: signature file").contains("does not exist");
  }

  @Test
  void signatureOfAnotherModelFails() throws Exception {
    Path other = TestModels.write(tmp.resolve("other/weights.bin"), "other model").getParent();
    Cli.run("sign", other, "--private-key", signed.privateKey);
    Files.copy(other.resolve("model.sig"), signed.signature, StandardCopyOption.REPLACE_EXISTING);

    Run r = run(policy("Enforce"));

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.termination())
        .contains(
            "failed ClusterModelPolicy/volumes: FILE_MISSING: signed file 'weights.bin' is missing");
  }

  @Test
  void warnModeLogsTheFailureButLetsThePodStart() throws Exception {
    TestModels.write(signed.model.resolve("extra.py"), "import os");

    Run r = run(policy("Warn"));

    assertThat(r.exit()).isZero();
    assertThat(r.log())
        .contains("UNSIGNED_FILE: file 'extra.py'")
        .contains("(mode WARN, not blocking)");
    assertThat(VerifierOutcome.parse(r.termination()).results())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.mode()).isEqualTo(Mode.WARN);
              assertThat(p.reason()).contains(Reason.UNSIGNED_FILE);
            });
  }

  @Test
  void noPoliciesIsBadUsageNotAPass() throws Exception {
    Run r = run(null);

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.log()).contains("environment variable MODELGATE_POLICIES holds no policies");
  }
}
