package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.inpod.VerifierContainer;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.SignedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The webhook and the verifier it injects speak one protocol: the arguments /mutate spells are the
 * ones {@code verify-volume} parses into the same model, directory, signature and policy variable,
 * and the reading back refuses any other argument list.
 */
class VerifierProtocolTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void argumentsMutateSpellsAreWhatVerifyVolumeParses() throws Exception {
    SignedModel signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    AdmissionHarness harness = new AdmissionHarness(tmp);
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy("volumes", "Enforce", "pvc://**", signed.publicKey, ""));
    JsonNode pod =
        new YAMLMapper()
            .readTree(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\n  namespace: ml\n"
                    + "  annotations: {model.modelgate.dev/llm: 'pvc://models/llama', signature.modelgate.dev/llm: sigs/model.sig}\n"
                    + "spec:\n  containers: [{name: s, image: s, volumeMounts: [{name: weights, mountPath: /m, subPath: llama, readOnly: true}]}]\n"
                    + "  volumes: [{name: weights, persistentVolumeClaim: {claimName: models}}]\n");
    AdmissionOutcome o =
        harness
            .service()
            .review(
                AdmissionHarness.create(pod.toString()),
                java.time.Instant.now().plusSeconds(10),
                true);
    JsonNode container = JSON.valueToTree(o.patch()).path(0).path("value").path(0);
    List<String> args = new ArrayList<>();
    container.path("args").forEach(a -> args.add(a.asText()));

    VerifyVolumeCommand parsed = new VerifyVolumeCommand();
    new CommandLine(parsed).parseArgs(args.subList(1, args.size()).toArray(new String[0]));

    assertThat(args.get(0)).isEqualTo(VerifierContainer.COMMAND);
    assertThat(parsed.model).isEqualTo(Path.of("/modelgate/model/llama"));
    assertThat(parsed.modelUri).isEqualTo("pvc://models/llama");
    assertThat(parsed.modelName).isEqualTo("llm");
    assertThat(parsed.signature).isEqualTo(Path.of("/modelgate/model/llama/sigs/model.sig"));
    assertThat(parsed.policiesEnv).isEqualTo(container.path("env").path(0).path("name").asText());
    assertThat(container.path("volumeMounts").path(0).path("mountPath").asText())
        .isEqualTo(VerifierContainer.MOUNT);
    assertThat(VerifierContainer.Invocation.parse(container.path("args")))
        .contains(
            new VerifierContainer.Invocation(
                "/modelgate/model/llama",
                "pvc://models/llama",
                "llm",
                Optional.of("/modelgate/model/llama/sigs/model.sig")));
  }

  @Test
  void readingBackRefusesArgumentsTheWebhookNeverSpells() throws Exception {
    for (String args :
        List.of(
            "[\"verify-volume\",\"/modelgate/model\",\"--model-uri\",\"pvc://a/b\"]",
            "[\"push\",\"/modelgate/model\",\"--model-uri\",\"pvc://a/b\",\"--model-name\",\"m\"]",
            "[\"verify-volume\",\"/modelgate/model\",\"--model-name\",\"m\",\"--model-uri\",\"pvc://a/b\"]",
            "[\"verify-volume\",\"/modelgate/model\",\"--model-uri\",\"pvc://a/b\",\"--model-name\",\"m\",\"--policies\",\"/tmp\"]",
            "[\"verify-volume\",\"/modelgate/model\",\"--model-uri\",\"pvc://a/b\",\"--model-name\",\"m\",\"--timeout\",\"1s\",\"x\",\"y\"]",
            "[\"verify-volume\",1,\"--model-uri\",\"pvc://a/b\",\"--model-name\",\"m\"]")) {
      assertThat(VerifierContainer.Invocation.parse(JSON.readTree(args))).as(args).isEmpty();
    }
  }
}
