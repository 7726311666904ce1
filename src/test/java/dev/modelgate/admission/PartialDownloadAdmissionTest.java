package dev.modelgate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.report.Evaluation;
import dev.modelgate.report.ObjectReference;
import dev.modelgate.report.VerdictResults;
import dev.modelgate.report.WorkloadVerdicts;
import dev.modelgate.source.DownloadSelection;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.SchedulerPods;
import dev.modelgate.testing.SignedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LLMInferenceService scheduler's tokenizer-only download (kserve/kserve at
 * aaac4e294dae2c7b1aa1886447793f3aa1c30912, pkg/controller/v1alpha2/llmisvc/workload_storage.go
 * tokenizerOnlyDownload; shape in {@link SchedulerPods}) under one Enforce policy over every model:
 * /mutate adds the signature file to the initializer's STORAGE_ALLOW_PATTERNS (as a JSON array, the
 * form _parse_patterns_from_env reads first) and gives the verifier exactly those patterns;
 * /validate then admits it, and refuses every other shape with its own reason.
 */
class PartialDownloadAdmissionTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String URI = "hf://meta-llama/Llama-3.1-8B-Instruct";

  /** tokenizerOnlyDownload's patterns, and the signature file /mutate adds. */
  static final List<String> WIDENED = widened();

  @TempDir Path tmp;
  AdmissionHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    SignedModel signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    harness =
        new AdmissionHarness(tmp)
            .policy(
                "p.yaml",
                AdmissionHarness.keyPolicy(
                    "every-model", "Enforce", "**", signed.publicKey, "  requireModels: true\n"));
  }

  private static List<String> widened() {
    List<String> out =
        new ArrayList<>(DownloadSelection.parseKServeValue(SchedulerPods.TOKENIZER_ONLY));
    out.add("model.sig");
    return out;
  }

  private static ObjectNode spec(JsonNode object) {
    return (ObjectNode)
        (object.path("kind").asText().equals("Pod")
            ? object.path("spec")
            : object.path("spec").path("template").path("spec"));
  }

  private static String allowPatterns(JsonNode initializer) {
    String value = null;
    for (JsonNode e : initializer.path("env")) {
      if (DownloadSelection.VARIABLE.equals(e.path("name").asText())) {
        value = e.path("value").asText();
      }
    }
    return value;
  }

  private static List<String> verifierPatterns(JsonNode verifier) {
    List<String> out = new ArrayList<>();
    for (JsonNode a : verifier.path("args")) {
      if (a.asText().startsWith("--allow-pattern=")) {
        out.add(a.asText().substring("--allow-pattern=".length()));
      }
    }
    return out;
  }

  @Test
  void mutateAddsTheSignatureToTheDownloadAndTheVerifierCarriesItsPatterns() {
    ObjectNode pod = SchedulerPods.pod(URI);

    AdmissionOutcome mutate = harness.review(pod, true);
    JsonNode patched = AdmissionHarness.patched(mutate, pod);
    AdmissionOutcome validate = harness.review(patched, false);

    assertThat(mutate.allowed()).as(mutate.message()).isTrue();
    JsonNode init = patched.at("/spec/initContainers");
    assertThat(init.get(0).path("name").asText()).isEqualTo("storage-initializer");
    assertThat(DownloadSelection.parseKServeValue(allowPatterns(init.get(0))))
        .containsExactlyElementsOf(WIDENED);
    assertThat(allowPatterns(init.get(0))).startsWith("[\"tokenizer.json\",");
    // The rest of the initializer is KServe's: only the one env value changed.
    ObjectNode unpatched = (ObjectNode) init.get(0).deepCopy();
    ((ObjectNode) unpatched.withArray("env").get(3)).put("value", SchedulerPods.TOKENIZER_ONLY);
    assertThat(unpatched).isEqualTo(pod.at("/spec/initContainers/0"));
    assertThat(init.get(1).path("name").asText()).isEqualTo("modelgate-verify-kserve-storage");
    assertThat(verifierPatterns(init.get(1))).containsExactlyElementsOf(WIDENED);
    assertThat(validate.allowed()).as(validate.message()).isTrue();
    assertThat(validate.modelsFound()).isEqualTo(1);
    assertThat(harness.review(patched, true).patch())
        .as("mutating again changes nothing")
        .isEmpty();
    assertThat(
            VerdictResults.of(
                    new WorkloadVerdicts(
                        ObjectReference.of("v1", "Pod", "ml", "s", ""),
                        validate.verdicts(),
                        Instant.now(),
                        Evaluation.ADMISSION))
                .get(0)
                .properties())
        .containsEntry("placement", "in_pod")
        .containsEntry(VerdictResults.PARTIAL_DOWNLOAD, allowPatterns(init.get(0)));
  }

  @Test
  void theSchedulerDeploymentTemplateIsAdmittedAndItsPodsGetNoFurtherPatch() {
    ObjectNode deployment = SchedulerPods.deployment(URI);

    AdmissionOutcome mutate = harness.review(deployment, true);
    JsonNode patched = AdmissionHarness.patched(mutate, deployment);
    AdmissionOutcome validate = harness.review(patched, false);

    assertThat(validate.allowed()).as(validate.message()).isTrue();
    assertThat(verifierPatterns(patched.at("/spec/template/spec/initContainers/1")))
        .containsExactlyElementsOf(WIDENED);
    // The ReplicaSet's pod carries the patched template: /mutate has nothing more to add.
    ObjectNode pod = SchedulerPods.pod(URI);
    pod.set("spec", patched.at("/spec/template/spec").deepCopy());
    assertThat(harness.review(pod, true).patch()).isEmpty();
    assertThat(harness.review(pod, false).allowed()).isTrue();
  }

  @Test
  void anUnmutatedSchedulerPodIsDeniedNamingTheContainerAndVariable() {
    AdmissionOutcome o = harness.review(SchedulerPods.pod(URI), false);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains(
            "SIGNATURE_NOT_DOWNLOADED: init container 'storage-initializer' downloads only what STORAGE_ALLOW_PATTERNS [tokenizer.json,")
        .contains(
            "leaves out the signature file 'model.sig' of model 'kserve-storage' (" + URI + ")")
        .contains("VERIFIER_MISSING");
  }

  @Test
  void aVerifierWhosePatternsDifferFromTheDownloadersIsAltered() {
    ObjectNode pod = SchedulerPods.pod(URI);
    JsonNode patched = AdmissionHarness.patched(harness.review(pod, true), pod);
    // One pattern fewer in the verifier: it would no longer require the config.json the download
    // keeps, so it is not the verifier of this download.
    ArrayNode args = (ArrayNode) patched.at("/spec/initContainers/1/args");
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).asText().equals("--allow-pattern=config.json")) {
        args.remove(i);
      }
    }

    AdmissionOutcome o = harness.review(patched, false);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("VERIFIER_ALTERED");
  }

  @Test
  void aDownloadWhosePatternsChangeAfterMutateIsAltered() {
    ObjectNode pod = SchedulerPods.pod(URI);
    JsonNode patched = AdmissionHarness.patched(harness.review(pod, true), pod);
    ((ObjectNode) patched.at("/spec/initContainers/0/env/3")).put("value", "[\"*\"]");

    AdmissionOutcome o = harness.review(patched, false);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("VERIFIER_ALTERED");
  }

  @Test
  void patternsFromValueFromAreDeniedFailClosed() {
    ObjectNode pod = SchedulerPods.pod(URI);
    ObjectNode e = (ObjectNode) spec(pod).at("/initContainers/0/env/3");
    e.remove("value");
    e.putObject("valueFrom").putObject("configMapKeyRef").put("name", "p").put("key", "patterns");

    for (boolean mutating : new boolean[] {true, false}) {
      AdmissionOutcome o = harness.review(pod, mutating);

      assertThat(o.allowed()).isFalse();
      assertThat(o.message())
          .contains("MODEL_SOURCE_UNSUPPORTED")
          .contains("spec.initContainers[0].env[3]")
          .contains("(storage-initializer) STORAGE_ALLOW_PATTERNS comes from valueFrom");
      assertThat(o.patch()).isEmpty();
    }
  }

  @Test
  void patternsTheKubeletWouldExpandAreDenied() {
    ObjectNode pod = SchedulerPods.pod(URI);
    ((ObjectNode) spec(pod).at("/initContainers/0/env/3")).put("value", "[\"$(EXTRA)\"]");

    AdmissionOutcome o = harness.review(pod, true);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("contains a $(VAR) reference");
  }

  @Test
  void aHugePatternListIsDenied() {
    ObjectNode pod = SchedulerPods.pod(URI);
    ArrayNode many = JSON.createArrayNode();
    for (int i = 0; i < DownloadSelection.MAX_PATTERNS + 1; i++) {
      many.add("f" + i + ".json");
    }
    ((ObjectNode) spec(pod).at("/initContainers/0/env/3")).put("value", many.toString());

    AdmissionOutcome o = harness.review(pod, true);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("LIMIT_EXCEEDED").contains("513 patterns; at most 512");
  }

  @Test
  void anEmptyPatternListIsAWholeDownloadVerifiedWhole() {
    // _parse_patterns_from_env gives [] and Storage.download passes no allow_patterns: everything
    // is downloaded, so the whole model is verified and the initializer is left alone.
    ObjectNode pod = SchedulerPods.pod(URI);
    ((ObjectNode) spec(pod).at("/initContainers/0/env/3")).put("value", "[]");

    AdmissionOutcome mutate = harness.review(pod, true);
    JsonNode patched = AdmissionHarness.patched(mutate, pod);

    assertThat(patched.at("/spec/initContainers/0")).isEqualTo(pod.at("/spec/initContainers/0"));
    assertThat(verifierPatterns(patched.at("/spec/initContainers/1"))).isEmpty();
    assertThat(harness.review(patched, false).allowed()).isTrue();
  }

  @Test
  void pathTricksInPatternsStillGetTheSignatureAdded() {
    ObjectNode pod = SchedulerPods.pod(URI);
    ((ObjectNode) spec(pod).at("/initContainers/0/env/3"))
        .put("value", "../model.sig, /etc/passwd, tokenizer.json");

    AdmissionOutcome mutate = harness.review(pod, true);
    JsonNode patched = AdmissionHarness.patched(mutate, pod);

    List<String> expected = List.of("../model.sig", "/etc/passwd", "tokenizer.json", "model.sig");
    assertThat(
            DownloadSelection.parseKServeValue(allowPatterns(patched.at("/spec/initContainers/0"))))
        .isEqualTo(expected);
    assertThat(verifierPatterns(patched.at("/spec/initContainers/1"))).isEqualTo(expected);
    assertThat(harness.review(patched, false).allowed()).isTrue();
  }

  @Test
  void aSignatureAnnotationNamesTheFileAddedToThePatterns() {
    ObjectNode pod = SchedulerPods.pod(URI);
    ((ObjectNode) pod.path("metadata"))
        .putObject("annotations")
        .put("signature.modelgate.dev/kserve-storage", "sigs/tokenizer.sig");

    JsonNode patched = AdmissionHarness.patched(harness.review(pod, true), pod);

    assertThat(
            DownloadSelection.parseKServeValue(allowPatterns(patched.at("/spec/initContainers/0"))))
        .endsWith("sigs/tokenizer.sig")
        .doesNotContain("model.sig");
    assertThat(patched.at("/spec/initContainers/1/args").toString())
        .contains("\"--signature\",\"/modelgate/model/sigs/tokenizer.sig\"")
        .contains("--allow-pattern=sigs/tokenizer.sig");
    assertThat(harness.review(patched, false).allowed()).isTrue();
  }

  private AdmissionOutcome labelUpdate(JsonNode running, boolean mutating) {
    ObjectNode labelled = (ObjectNode) running.deepCopy();
    ((ObjectNode) labelled.path("metadata").path("labels")).put("team", "ml-platform");
    return harness
        .service()
        .review(
            new AdmissionRequest(
                "admission.k8s.io/v1",
                "u",
                "Pod",
                "ml",
                labelled.at("/metadata/name").asText(),
                "UPDATE",
                "",
                false,
                labelled,
                running),
            Instant.now().plus(Duration.ofSeconds(10)),
            mutating);
  }

  @Test
  void aRunningPodsLabelUpdateIsAdmittedWithItsPartialVerifier() {
    ObjectNode pod = SchedulerPods.pod(URI);
    JsonNode running = AdmissionHarness.patched(harness.review(pod, true), pod);

    AdmissionOutcome o = labelUpdate(running, false);

    assertThat(o.allowed()).as(o.message()).isTrue();
    assertThat(labelUpdate(running, true).patch()).isEmpty();
  }

  @Test
  void aRunningPodWhoseVerifierChecksTheWholeModelIsNotDeniedForIt() {
    // Started before partial downloads were verified in part: its patterns already selected the
    // signature (else it could not have started), and its verifier checks more, not less.
    ObjectNode pod = SchedulerPods.pod(URI);
    JsonNode running = AdmissionHarness.patched(harness.review(pod, true), pod);
    ArrayNode args = (ArrayNode) running.at("/spec/initContainers/1/args");
    for (int i = args.size() - 1; i >= 0; i--) {
      if (args.get(i).asText().startsWith("--allow-pattern=")) {
        args.remove(i);
      }
    }

    AdmissionOutcome o = labelUpdate(running, false);

    assertThat(o.allowed()).as(o.message()).isTrue();
    assertThat(harness.review(running, false).message())
        .as("a new pod must carry the patterns")
        .contains("VERIFIER_ALTERED");
  }
}
