package dev.modelgate.admission.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.ServingResources;
import dev.modelgate.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modelgate check} decides serving resources offline as the webhook does (no more "SKIP …
 * its pods are"), from files, stdin and {@code kind: List}, against the test registry.
 */
class ServingCheckTest {
  @TempDir Path tmp;
  ServingRegistry reg;
  Path policies;

  @BeforeEach
  void setUp() throws Exception {
    reg = ServingRegistry.startOrSkip(tmp);
    policies = Files.createDirectories(tmp.resolve("policies"));
    TestModels.write(
        policies.resolve("oci.yaml"),
        AdmissionHarness.keyPolicy("oci", "Enforce", "oci://**", reg.signed.publicKey, ""));
  }

  @AfterEach
  void tearDown() {
    if (reg != null) {
      reg.close();
    }
  }

  @Test
  void aSignedInferenceServiceIsAdmittedAndPinnedAndATamperedOneDenied() {
    Path signed =
        TestModels.write(
            tmp.resolve("isvc.yaml"), ServingResources.inferenceService("oci://" + reg.signedRef));
    Path tampered =
        TestModels.write(
            tmp.resolve("isvc-tampered.yaml"),
            ServingResources.inferenceService("oci://" + reg.tamperedRef));

    Cli.Result ok = Cli.run("check", "--policies", policies, signed, "--json");
    Cli.Result denied = Cli.run("check", "--policies", policies, tampered, "--json");

    assertThat(ok.exitCode()).as(ok.toString()).isZero();
    assertThat(ok.err()).contains("ADMIT InferenceService ml/llama (").doesNotContain("SKIP");
    assertThat(ok.out())
        .contains("\"path\" : \"/spec/predictor/model/storageUri\"")
        .contains("\"value\" : \"oci://" + reg.signedRef + "@sha256:");
    assertThat(denied.exitCode()).as(denied.toString()).isEqualTo(1);
    assertThat(denied.err())
        .contains("DENY  InferenceService ml/llama (")
        .contains("model 'kserve-storage' (oci://" + reg.tamperedRef + ")")
        .contains("DIGEST_MISMATCH");
    assertThat(denied.out()).contains("\"field\" : \"spec.predictor.model.storageUri\"");
  }

  @Test
  void stdinAndAListOfEveryServingKindAreDecided() {
    String byDigest = "oci://" + reg.registry.host + "/models/llama@" + reg.digest(reg.signedRef);
    String list =
        "apiVersion: v1\nkind: List\nitems:\n"
            + item(ServingResources.inferenceService("oci://" + reg.signedRef))
            + item(ServingResources.llmInferenceService("oci://" + reg.signedRef))
            + item(ServingResources.trainedModel(byDigest))
            + item(ServingResources.seldonModel("oci://" + reg.tamperedRef));

    Cli.Result r = Cli.runWithStdin(list, "check", "--policies", policies, "-");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err())
        .contains("ADMIT InferenceService ml/llama")
        .contains("ADMIT LLMInferenceService ml/llama")
        .contains("ADMIT TrainedModel ml/llama-v2")
        .contains("DENY  Model ml/iris")
        .contains("MODEL_SOURCE_UNSUPPORTED")
        .doesNotContain("SKIP");
  }

  /** A YAML document as an item of a List. */
  private static String item(String yaml) {
    StringBuilder b = new StringBuilder();
    String[] lines = yaml.strip().split("\n");
    for (int i = 0; i < lines.length; i++) {
      b.append(i == 0 ? "  - " : "    ").append(lines[i]).append('\n');
    }
    return b.toString();
  }
}
