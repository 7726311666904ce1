package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.core.Failure;
import dev.modelgate.inpod.VerifierOutcome;
import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The injected verifier and the webhook judge alike: for generated policy sets (mode, onError,
 * signer and threshold, file rules, a required attestation, a lineage clause) over a signed, a
 * tampered and an extended model, {@code verify-volume} on the directory records, per policy, the
 * verdict the webhook gives the same directory as a {@code file://} model (passed, mode, first
 * reason), and exits 1 exactly when the webhook denies.
 */
class VerifierAgreesWithWebhookTest {
  @TempDir static Path tmp;
  static Path signerPub;
  static Path otherPub;
  static List<Path> models = new ArrayList<>();

  @BeforeAll
  static void models() {
    KeyPair signer = TestKeys.ec("secp256r1");
    signerPub = TestKeys.writePem(tmp.resolve("signer.pub"), signer.getPublic());
    otherPub = TestKeys.writePem(tmp.resolve("other.pub"), TestKeys.ec("secp256r1").getPublic());
    Path key = TestKeys.writePem(tmp.resolve("signer.key"), signer.getPrivate());
    for (String variant : List.of("signed", "tampered", "extended")) {
      Path dir = TestModels.sample(tmp.resolve("models"), variant);
      assertThat(Cli.run("sign", dir, "--private-key", key).exitCode()).isZero();
      if (variant.equals("tampered")) {
        TestModels.write(dir.resolve("config.json"), "{\"layers\": 3}\n");
      } else if (variant.equals("extended")) {
        TestModels.write(dir.resolve("loader.pkl"), "pickle");
      }
      models.add(dir);
    }
  }

  static IntStream seeds() {
    return IntStream.range(0, 36);
  }

  private static String pem(Path p) throws IOException {
    return Files.readString(p).strip().replace("\n", "\n          ");
  }

  private static String pick(Random r, String... choices) {
    return choices[r.nextInt(choices.length)];
  }

  /** One generated policy. */
  private static String policy(Random r, int i) throws IOException {
    String signers = pick(r, "right", "wrong", "two-of-two");
    StringBuilder y =
        new StringBuilder(
            "apiVersion: modelgate.dev/v1alpha1\nkind: ClusterModelPolicy\nmetadata:\n  name: p"
                + i
                + "\nspec:\n  mode: "
                + pick(r, "Enforce", "Warn", "Audit")
                + "\n  onError: "
                + pick(r, "Deny", "Allow")
                + "\n  match:\n    models: [\"**\"]\n  authorities:\n");
    if (!signers.equals("wrong")) {
      y.append("    - name: signer\n      key:\n        publicKey: |\n          ")
          .append(pem(signerPub))
          .append("\n");
    }
    if (!signers.equals("right")) {
      y.append("    - name: other\n      key:\n        publicKey: |\n          ")
          .append(pem(otherPub))
          .append("\n");
    }
    y.append("  signatures: {threshold: ")
        .append(signers.equals("two-of-two") ? 2 : 1)
        .append("}\n");
    String deny = pick(r, "", "**/*.json", "**/*.pkl");
    String require = pick(r, "", "**/*.safetensors", "**/*.gguf");
    if (!deny.isEmpty() || !require.isEmpty()) {
      y.append("  files:\n");
      if (!deny.isEmpty()) {
        y.append("    deny: [\"").append(deny).append("\"]\n");
      }
      if (!require.isEmpty()) {
        y.append("    require: [\"").append(require).append("\"]\n");
      }
    }
    if (r.nextInt(3) == 0) {
      y.append(
          "  attestations:\n    - name: evaluated\n      predicateType: https://example.com/evaluation/v1\n");
    }
    if (r.nextInt(3) == 0) {
      // The models carry no provenance: the clause fails on both sides without reading a base.
      y.append("  lineage: {maxDepth: 1, authorities: [")
          .append(signers.equals("wrong") ? "other" : "signer")
          .append("]}\n");
    }
    return y.toString();
  }

  /** Policy, mode, pass or fail, and the first reason: what both sides must agree on. */
  private static String summary(String policy, String mode, boolean passed, String reason) {
    return policy + " " + mode + " " + (passed ? "pass" : "fail " + reason);
  }

  @ParameterizedTest(name = "policy set {0}")
  @MethodSource("seeds")
  void verifyVolumeRecordsTheWebhooksVerdictForEveryPolicy(int seed) throws Exception {
    Random r = new Random(20261207L + seed);
    Path model = models.get(r.nextInt(models.size()));
    AdmissionHarness webhook = new AdmissionHarness(tmp.resolve("set-" + seed));
    int policies = 1 + r.nextInt(3);
    for (int i = 0; i < policies; i++) {
      webhook.policy("p" + i + ".yaml", policy(r, i));
    }
    Path log = tmp.resolve("set-" + seed + "/termination-log");

    AdmissionOutcome admitted =
        webhook.review(
            AdmissionHarness.create(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ml\n  annotations:\n    model.modelgate.dev/llm: file://"
                    + model
                    + "\nspec:\n  containers: [{name: s, image: s}]\n"));
    Cli.Result pod =
        Cli.run(
            "verify-volume",
            model,
            "--model-uri",
            "pvc://models/llm",
            "--model-name",
            "llm",
            "--policies",
            webhook.policies,
            "--termination-log",
            log);

    TreeMap<String, String> byWebhook = new TreeMap<>();
    for (ModelVerdict v : admitted.verdicts()) {
      byWebhook.put(
          v.policy().orElseThrow(),
          summary(
              v.policy().orElseThrow(),
              v.mode().name(),
              v.passed(),
              v.failures().stream().findFirst().map(Failure::reason).map(Enum::name).orElse("")));
    }
    TreeMap<String, String> byVerifier = new TreeMap<>();
    for (VerifierOutcome.Result res : VerifierOutcome.parse(Files.readString(log)).results()) {
      byVerifier.put(
          res.policy(),
          summary(
              res.policy(),
              res.mode().name(),
              res.passed(),
              res.reason().map(Enum::name).orElse("")));
    }
    assertThat(byVerifier).as(pod.toString()).isEqualTo(byWebhook).hasSize(policies);
    assertThat(pod.exitCode())
        .as(admitted.message() + "\n" + pod)
        .isEqualTo(admitted.allowed() ? ExitCode.OK : ExitCode.FAILED);
  }
}
