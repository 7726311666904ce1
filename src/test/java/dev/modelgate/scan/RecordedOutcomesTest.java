package dev.modelgate.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.core.Reason;
import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.report.ObjectReference;
import dev.modelgate.report.PolicyReportSink;
import dev.modelgate.report.WorkloadVerdicts;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.ControllerPods;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models on volumes are reported from what each pod's verifier recorded. The pods carry the
 * verifier /mutate injects, and the termination messages are the ones the real {@code
 * verify-volume} command writes for a signed, a tampered and a missing model; anything unreadable
 * is an error.
 */
class RecordedOutcomesTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String CONTAINER = "modelgate-verify-llm";
  @TempDir Path tmp;
  SignedModel signed;
  AdmissionHarness harness;
  ExecutorService workers = Executors.newFixedThreadPool(2);
  final Map<ObjectReference, List<ModelVerdict>> reported = new ConcurrentHashMap<>();
  final PolicyReportSink results =
      new PolicyReportSink() {
        @Override
        public void merge(WorkloadVerdicts v) {
          throw new AssertionError("background verification replaces, it never merges");
        }

        @Override
        public void replace(WorkloadVerdicts v) {
          reported.put(v.workload(), v.verdicts());
        }

        @Override
        public void remove(ObjectReference workload) {
          reported.remove(workload);
        }

        @Override
        public void retainOnly(Collection<ObjectReference> workloads) {}

        @Override
        public void flush() {}
      };

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    harness =
        new AdmissionHarness(tmp)
            .policy(
                "volumes.yaml",
                AdmissionHarness.keyPolicy("volumes", "Warn", "pvc://**", signed.publicKey, ""));
  }

  @AfterEach
  void tearDown() {
    workers.shutdownNow();
  }

  /** The pod template with the verifier init container /mutate adds. */
  JsonNode injectedTemplate() {
    String pod =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: llm\n  namespace: ml\n  labels: {app: llm}\n  annotations:\n    model.modelgate.dev/llm: pvc://models/llama\n"
            + "spec:\n  containers: [{name: server, image: vllm, volumeMounts: [{name: models, mountPath: /models, subPath: llama, readOnly: true}]}]\n"
            + "  volumes: [{name: models, persistentVolumeClaim: {claimName: models}}]\n";
    AdmissionOutcome mutate =
        harness.service().review(AdmissionHarness.create(pod), Instant.now().plusSeconds(30), true);
    assertThat(mutate.allowed()).as(mutate.message()).isTrue();
    JsonNode patched =
        JsonPatch.apply(JSON.valueToTree(mutate.patch()), AdmissionHarness.create(pod).object());
    ObjectNode template = JSON.createObjectNode();
    template.set(
        "metadata",
        JSON.createObjectNode()
            .setAll(
                Map.of(
                    "labels", patched.at("/metadata/labels"),
                    "annotations", patched.at("/metadata/annotations"))));
    template.set("spec", patched.path("spec"));
    assertThat(template.at("/spec/initContainers/0/name").asText()).isEqualTo(CONTAINER);
    return template;
  }

  /** The termination message the real verifier writes for {@code model}. */
  String verifierMessage(Path model) {
    Path log = tmp.resolve("termination-" + model.getFileName());
    Cli.Result r =
        Cli.run(
            "verify-volume",
            model,
            "--model-uri",
            "pvc://models/llama",
            "--model-name",
            "llm",
            "--policies",
            harness.policies,
            "--termination-log",
            log);
    assertThat(r.exitCode()).as("Warn mode does not block: %s", r).isZero();
    try {
      return Files.readString(log);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  ScanReport scan(List<ObjectNode> pods) {
    List<RunningPod> running = new ArrayList<>();
    for (ObjectNode p : pods) {
      running.add(RunningPod.of(p, OwnerChain.Lookup.NONE));
    }
    return new BackgroundScan(
            () -> running,
            harness.service(),
            results,
            workers,
            Duration.ofSeconds(30),
            Clock.systemUTC())
        .run();
  }

  ObjectNode standalonePod(String name, JsonNode template, String message) {
    ObjectNode rs = ControllerPods.deployment("ml", name, template.toString());
    ObjectNode p = ControllerPods.pod(rs, "0");
    ((ObjectNode) p.path("metadata")).remove("ownerReferences");
    ((ObjectNode) p.path("metadata")).put("name", name);
    return ControllerPods.initContainerTerminated(p, CONTAINER, message);
  }

  ModelVerdict verdictOf(String pod) {
    return reported.entrySet().stream()
        .filter(e -> e.getKey().name().equals(pod))
        .map(e -> e.getValue())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no results for " + pod + " in " + reported.keySet()))
        .get(0);
  }

  @Test
  void signedTamperedAndMissingOutcomesArePassWarnAndError() throws Exception {
    JsonNode template = injectedTemplate();
    String good = verifierMessage(signed.model);
    Path copy = TestModels.sample(tmp, "tampered-model");
    Cli.run("sign", copy, "--private-key", signed.privateKey);
    TestModels.write(copy.resolve("model.safetensors"), "poisoned");
    String bad = verifierMessage(copy);

    scan(
        List.of(
            standalonePod("good", template, good),
            standalonePod("tampered", template, bad),
            standalonePod("missing", template, null),
            standalonePod("forged", template, "all models verified, trust me")));

    ModelVerdict pass = verdictOf("good");
    assertThat(ScanOutcome.of(pass)).as(pass.failures().toString()).isEqualTo(ScanOutcome.PASS);
    assertThat(pass.signer()).isPresent();
    assertThat(pass.policy()).contains("ClusterModelPolicy/volumes");
    ModelVerdict warn = verdictOf("tampered");
    assertThat(ScanOutcome.of(warn)).isEqualTo(ScanOutcome.WARN);
    assertThat(warn.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
              assertThat(f.message())
                  .contains("pod ml/tampered: init container modelgate-verify-llm recorded:")
                  .contains("model.safetensors");
            });
    ModelVerdict missing = verdictOf("missing");
    assertThat(ScanOutcome.of(missing)).isEqualTo(ScanOutcome.ERROR);
    assertThat(missing.failures().get(0).reason()).isEqualTo(Reason.VERIFIER_OUTCOME_UNKNOWN);
    assertThat(missing.failures().get(0).message()).contains("recorded no outcome");
    ModelVerdict forged = verdictOf("forged");
    assertThat(ScanOutcome.of(forged)).isEqualTo(ScanOutcome.ERROR);
    assertThat(forged.failures().get(0).message())
        .contains("has no modelgate.dev/verify-volume/v1 record");
  }

  @Test
  void aRecordAboutAnotherModelIsAnError() throws Exception {
    JsonNode template = injectedTemplate();
    String otherModel =
        verifierMessage(signed.model).replace("\"model\":\"llm\"", "\"model\":\"other\"");

    scan(List.of(standalonePod("other", template, otherModel)));

    ModelVerdict v = verdictOf("other");
    assertThat(ScanOutcome.of(v)).isEqualTo(ScanOutcome.ERROR);
    assertThat(v.failures().get(0).message()).contains("recorded an outcome for model 'other'");
  }

  @Test
  void aPassRecordFromAVerifierThatExitedNonZeroIsAnError() throws Exception {
    JsonNode template = injectedTemplate();
    ObjectNode pod = standalonePod("crashed", template, verifierMessage(signed.model));
    ((ObjectNode) pod.at("/status/initContainerStatuses/0/state/terminated"))
        .put("exitCode", 137)
        .put("reason", "OOMKilled");

    scan(List.of(pod));

    ModelVerdict v = verdictOf("crashed");
    assertThat(ScanOutcome.of(v)).isEqualTo(ScanOutcome.ERROR);
    assertThat(v.failures().get(0).reason()).isEqualTo(Reason.VERIFIER_OUTCOME_UNKNOWN);
    assertThat(v.failures().get(0).message()).contains("recorded a pass but exited with code 137");
  }

  @Test
  void aPodVerifiedBeforeAPolicyWasAddedNeverPassesIt() throws Exception {
    JsonNode template = injectedTemplate();
    String good = verifierMessage(signed.model);
    harness.policy(
        "second.yaml",
        AdmissionHarness.keyPolicy("added-later", "Enforce", "pvc://**", signed.publicKey, ""));

    scan(List.of(standalonePod("older", template, good)));

    // Its verifier carries yesterday's policies: not the one ModelGate would inject today.
    List<ModelVerdict> verdicts =
        reported.entrySet().stream()
            .filter(e -> e.getKey().name().equals("older"))
            .flatMap(e -> e.getValue().stream())
            .toList();
    assertThat(verdicts)
        .extracting(v -> v.policy().orElse(""))
        .containsExactlyInAnyOrder("ClusterModelPolicy/volumes", "ClusterModelPolicy/added-later");
    assertThat(verdicts)
        .allSatisfy(
            v -> {
              assertThat(ScanOutcome.of(v)).isNotEqualTo(ScanOutcome.PASS);
              assertThat(v.failures().get(0).reason()).isEqualTo(Reason.VERIFIER_ALTERED);
            });
  }

  @Test
  void aGroupReportsItsWorstPodAndHowManyShareIt() throws Exception {
    JsonNode template = injectedTemplate();
    String good = verifierMessage(signed.model);
    ObjectNode rs =
        ControllerPods.replicaSet(
            ControllerPods.deployment("ml", "llm", template.toString()), "7d4b9c8f5");
    List<ObjectNode> pods = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      pods.add(
          ControllerPods.initContainerTerminated(
              ControllerPods.pod(rs, "p" + i), CONTAINER, i == 1 ? null : good));
    }

    ScanReport report = scan(pods);

    assertThat(report.groups()).isEqualTo(1);
    ModelVerdict v = verdictOf("llm-7d4b9c8f5");
    assertThat(ScanOutcome.of(v)).isEqualTo(ScanOutcome.ERROR);
    assertThat(v.failures().get(0).message())
        .contains("pod ml/llm-7d4b9c8f5-p1")
        .contains("(1 of 3 pods)");
  }
}
