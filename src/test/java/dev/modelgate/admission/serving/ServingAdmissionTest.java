package dev.modelgate.admission.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.admission.AdmissionReports;
import dev.modelgate.admission.AdmissionRequest;
import dev.modelgate.admission.AdmissionResponseWriter;
import dev.modelgate.admission.AdmissionReviewParser;
import dev.modelgate.core.Reason;
import dev.modelgate.policy.DecisionText;
import dev.modelgate.policy.Finding;
import dev.modelgate.report.ObjectReference;
import dev.modelgate.report.PolicyReportResult;
import dev.modelgate.report.PolicyResult;
import dev.modelgate.report.VerdictResults;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.RecordingReportSink;
import dev.modelgate.testing.ServingResources;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Serving resources decided at {@code kubectl apply} against a real registry: every resource that
 * names an OCI model, signed and tampered, with the denial naming the model, the field and the
 * reason, and /mutate pinning the field to the verified digest; downloads admitted with the verdict
 * that the Pod's review verifies them, or denied when no policy would accept them; models loaded
 * into running servers only by digest.
 */
class ServingAdmissionTest {
  @TempDir Path tmp;
  ServingRegistry reg;
  AdmissionHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    reg = ServingRegistry.startOrSkip(tmp);
    harness = new AdmissionHarness(tmp).policy("oci.yaml", policy("oci", "Enforce", "oci://**"));
  }

  @AfterEach
  void tearDown() {
    if (reg != null) {
      reg.close();
    }
  }

  String policy(String name, String mode, String glob) {
    return AdmissionHarness.keyPolicy(name, mode, glob, reg.signed.publicKey, "");
  }

  AdmissionOutcome mutate(AdmissionRequest r) {
    return harness.service().review(r, Instant.now().plus(Duration.ofSeconds(30)), true);
  }

  AdmissionOutcome validate(String yaml) {
    return harness.review(AdmissionHarness.create(yaml));
  }

  static Stream<Arguments> ociResources() {
    return Stream.of(
        Arguments.of(
            "InferenceService model.storageUri",
            (Function<String, String>) ServingResources::inferenceService,
            "kserve-storage",
            "spec.predictor.model.storageUri"),
        Arguments.of(
            "InferenceService sklearn.storageUri",
            (Function<String, String>) ServingResources::sklearnInferenceService,
            "kserve-storage",
            "spec.predictor.sklearn.storageUri"),
        Arguments.of(
            "InferenceService storageUris",
            (Function<String, String>)
                uri -> ServingResources.multiModelInferenceService(uri, "s3://bucket/adapter"),
            "kserve-storage-mnt-models-base",
            "spec.predictor.storageUris[0].uri"),
        Arguments.of(
            "InferenceService custom STORAGE_URI",
            (Function<String, String>)
                uri -> ServingResources.customInferenceService(uri, "s3://bucket/tokenizer"),
            "kserve-storage",
            "spec.predictor.containers[0].env[1].value"),
        Arguments.of(
            "LLMInferenceService",
            (Function<String, String>) ServingResources::llmInferenceService,
            "kserve-storage",
            "spec.model.uri"),
        Arguments.of(
            "LLMInferenceService with a LoRA adapter",
            (Function<String, String>)
                uri -> ServingResources.llmInferenceService(uri, "sql", "s3://bucket/sql-lora"),
            "kserve-storage",
            "spec.model.uri"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ociResources")
  void aSignedOciModelIsAdmittedAndPinnedInTheFieldWritten(
      String name, Function<String, String> resource, String model, String field) {
    harness.policy("downloads.yaml", policy("downloads", "Enforce", "s3://bucket/**"));
    JsonNode object = ServingResources.tree(resource.apply("oci://" + reg.signedRef));

    AdmissionOutcome o = mutate(AdmissionHarness.create(resource.apply("oci://" + reg.signedRef)));
    JsonNode patched = JsonPatch.apply(new ObjectMapper().valueToTree(o.patch()), object);

    assertThat(o.allowed()).as(o.message()).isTrue();
    assertThat(o.verdicts())
        .filteredOn(v -> v.model().field().equals(field))
        .singleElement()
        .satisfies(v -> assertThat(v.passed()).isTrue());
    assertThat(o.patch()).hasSize(1);
    String pointer = "/" + field.replace(".", "/").replaceAll("\\[(\\d+)\\]", "/$1");
    assertThat(patched.at(pointer).asText())
        .isEqualTo("oci://" + reg.signedRef + "@" + reg.digest(reg.signedRef));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ociResources")
  void aTamperedOciModelIsDeniedNamingModelFieldAndReason(
      String name, Function<String, String> resource, String model, String field) {
    harness.policy("downloads.yaml", policy("downloads", "Enforce", "s3://bucket/**"));

    AdmissionOutcome o = validate(resource.apply("oci://" + reg.tamperedRef));

    assertThat(o.allowed()).isFalse();
    assertThat(o.denial().orElseThrow())
        .contains(
            "model '" + model + "' (oci://" + reg.tamperedRef + ") failed ClusterModelPolicy/oci")
        .contains("DIGEST_MISMATCH: file 'config.json' has sha256:");
    failsAt(o.decision().denials(), field, Reason.DIGEST_MISMATCH);
    assertThat(harness.events).as("the denial is an Event on the resource").hasSize(1);
    assertThat(o.patch()).isEmpty();
  }

  @Test
  void anOciNativeUriIsPinnedKeepingItsScheme() {
    String yaml = ServingResources.inferenceService("oci+native://" + reg.signedRef);

    AdmissionOutcome o = mutate(AdmissionHarness.create(yaml));

    assertThat(o.allowed()).as(o.message()).isTrue();
    assertThat(o.patch())
        .singleElement()
        .satisfies(
            op ->
                assertThat(op.get("value"))
                    .isEqualTo("oci+native://" + reg.signedRef + "@" + reg.digest(reg.signedRef)));
  }

  @Test
  void anUpdateToATamperedStorageUriIsDeniedAndBackToTheSignedOneAdmitted() {
    String signed = ServingResources.inferenceService("oci://" + reg.signedRef);
    String tampered = ServingResources.inferenceService("oci://" + reg.tamperedRef);

    AdmissionOutcome toTampered = harness.review(ServingResources.update(signed, tampered));
    AdmissionOutcome back = mutate(ServingResources.update(tampered, signed));

    assertThat(toTampered.allowed()).isFalse();
    failsAt(
        toTampered.decision().denials(), "spec.predictor.model.storageUri", Reason.DIGEST_MISMATCH);
    assertThat(back.allowed()).as(back.message()).isTrue();
    assertThat(back.patch())
        .singleElement()
        .satisfies(op -> assertThat(op.get("path")).isEqualTo("/spec/predictor/model/storageUri"));
  }

  @Test
  void aControllersMetadataUpdateWithAnUnchangedSpecIsNotDecidedAgain() {
    String tampered = ServingResources.inferenceService("oci://" + reg.tamperedRef);
    String finalizer =
        tampered.replace(
            "metadata: {name: llama, namespace: ml, labels: {team: nlp}}",
            "metadata: {name: llama, namespace: ml, labels: {team: nlp},"
                + " finalizers: [inferenceservice.finalizers]}");
    String relabelled = tampered.replace("team: nlp", "team: vision");

    AdmissionOutcome o = harness.review(ServingResources.update(tampered, finalizer));
    AdmissionOutcome labels = harness.review(ServingResources.update(tampered, relabelled));

    assertThat(o.allowed()).isTrue();
    assertThat(o.skipped()).hasValueSatisfying(s -> assertThat(s).contains("unchanged spec"));
    assertThat(labels.allowed()).as("labels select policies: decided again").isFalse();
  }

  @Test
  void anAdmissionReviewAsTheApiServerSendsItIsAnsweredWithThePatch() throws Exception {
    String review =
        AdmissionHarness.json(
            Map.of(
                "apiVersion", "admission.k8s.io/v1",
                "kind", "AdmissionReview",
                "request",
                    Map.of(
                        "uid", "7f2a",
                        "kind",
                            Map.of(
                                "group", "serving.kserve.io",
                                "version", "v1beta1",
                                "kind", "InferenceService"),
                        "resource",
                            Map.of(
                                "group", "serving.kserve.io",
                                "version", "v1beta1",
                                "resource", "inferenceservices"),
                        "namespace", "ml",
                        "name", "llama",
                        "operation", "CREATE",
                        "object",
                            ServingResources.tree(
                                ServingResources.inferenceService("oci://" + reg.signedRef)))));
    AdmissionRequest r = new AdmissionReviewParser().parse(review.getBytes(StandardCharsets.UTF_8));

    AdmissionOutcome o = mutate(r);
    JsonNode answer =
        new ObjectMapper().readTree(AdmissionResponseWriter.write("admission.k8s.io/v1", o, true));
    JsonNode patch =
        new ObjectMapper()
            .readTree(Base64.getDecoder().decode(answer.at("/response/patch").asText()));

    assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
    assertThat(patch.get(0).get("path").asText()).isEqualTo("/spec/predictor/model/storageUri");
    assertThat(patch.get(0).get("value").asText())
        .isEqualTo("oci://" + reg.signedRef + "@" + reg.digest(reg.signedRef));
  }

  @Test
  void aDownloadWithAMatchingPolicyIsAdmittedWithTheVerdictThatItsPodVerifiesIt() {
    harness.policy("downloads.yaml", policy("downloads", "Enforce", "hf://**"));

    AdmissionOutcome o =
        validate(ServingResources.inferenceService("hf://meta-llama/Llama-3.2-1B"));

    assertThat(o.allowed()).as(o.message()).isTrue();
    assertThat(DecisionText.verdictLines(o.verdicts()))
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .contains("model 'kserve-storage' (hf://meta-llama/Llama-3.2-1B)")
                    .contains("will be verified when its Pod is reviewed")
                    .contains("storage-initializer downloads hf:// models in the Pod"));
    assertThat(o.patch()).isEmpty();
  }

  @Test
  void aStorageSpecIsLeftToItsPodWhoseReviewKnowsTheBucket() {
    AdmissionOutcome o =
        validate(ServingResources.storageSpecInferenceService("localMinIO", "/sklearn/iris"));

    assertThat(o.allowed()).as(o.message()).isTrue();
    assertThat(DecisionText.verdictLines(o.verdicts()))
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .contains("model 'kserve-storage' (storage-spec://sklearn/iris)")
                    .contains("will be verified when its Pod is reviewed")
                    .contains("storage key localMinIO"));
  }

  @Test
  void aDownloadNoPolicyWouldAcceptIsDeniedAtOnce() {
    AdmissionOutcome o = validate(ServingResources.inferenceService("s3://other-bucket/llama"));

    assertThat(o.allowed()).isFalse();
    assertThat(o.denial().orElseThrow())
        .contains("model 'kserve-storage' (s3://other-bucket/llama): NO_POLICY");
    failsAt(o.decision().denials(), "spec.predictor.model.storageUri", Reason.NO_POLICY);
  }

  @Test
  void anLlmServerThatFetchesItsOwnModelIsRefused() {
    harness.policy("downloads.yaml", policy("downloads", "Enforce", "hf://**"));
    String yaml =
        ServingResources.llmInferenceService("hf://meta-llama/Llama-3.2-1B")
            + "  storageInitializer: {enabled: false}\n";

    AdmissionOutcome o = validate(yaml);

    assertThat(o.allowed()).isFalse();
    assertThat(o.denial().orElseThrow()).contains("spec.storageInitializer.enabled is false");
    failsAt(o.decision().denials(), "spec.model.uri", Reason.MODEL_SOURCE_UNSUPPORTED);
  }

  @Test
  void loadedModelsAreVerifiedByDigestAndRefusedByTagOrDownload() {
    String byDigest = "oci://" + reg.registry.host + "/models/llama@" + reg.digest(reg.signedRef);
    String tamperedByDigest =
        "oci://" + reg.registry.host + "/models/llama-tampered@" + reg.digest(reg.tamperedRef);
    harness.policy("downloads.yaml", policy("downloads", "Enforce", "gs://**"));

    AdmissionOutcome trained = validate(ServingResources.trainedModel(byDigest));
    AdmissionOutcome seldon = validate(ServingResources.seldonModel(byDigest));
    AdmissionOutcome trainedTampered = validate(ServingResources.trainedModel(tamperedByDigest));
    AdmissionOutcome seldonTampered = validate(ServingResources.seldonModel(tamperedByDigest));
    AdmissionOutcome byTag = validate(ServingResources.trainedModel("oci://" + reg.signedRef));
    AdmissionOutcome download = validate(ServingResources.seldonModel("gs://seldon-models/iris"));

    assertThat(trained.allowed()).as(trained.message()).isTrue();
    assertThat(seldon.allowed()).as(seldon.message()).isTrue();
    assertThat(trained.patch()).as("already a digest").isEmpty();
    assertThat(trainedTampered.denial().orElseThrow()).contains("model 'llama-v2'");
    failsAt(trainedTampered.decision().denials(), "spec.model.storageUri", Reason.DIGEST_MISMATCH);
    assertThat(seldonTampered.denial().orElseThrow()).contains("model 'iris'");
    failsAt(seldonTampered.decision().denials(), "spec.storageUri", Reason.DIGEST_MISMATCH);
    assertThat(byTag.denial().orElseThrow()).contains("by tag");
    failsAt(byTag.decision().denials(), "spec.model.storageUri", Reason.MODEL_SOURCE_UNSUPPORTED);
    assertThat(download.denial().orElseThrow())
        .contains("Seldon's agent downloads gs:// models into a running server");
    failsAt(download.decision().denials(), "spec.storageUri", Reason.MODEL_SOURCE_UNSUPPORTED);
  }

  @Test
  void aLoadedModelByTagUnderWarnIsAdmittedWithTheWarning() {
    harness.policy("oci.yaml", policy("oci", "Warn", "oci://**"));

    AdmissionOutcome o = validate(ServingResources.trainedModel("oci://" + reg.signedRef));

    assertThat(o.allowed()).isTrue();
    assertThat(o.warnings())
        .singleElement()
        .satisfies(w -> assertThat(w).contains("MODEL_SOURCE_UNSUPPORTED"));
    failsAt(o.decision().warnings(), "spec.model.storageUri", Reason.MODEL_SOURCE_UNSUPPORTED);
  }

  @Test
  void warnGivesWarningsAndAuditRecordsPolicyReportResultsOnTheServingResource() {
    RecordingReportSink sink = new RecordingReportSink();
    harness.reports = new AdmissionReports(sink, Clock.systemUTC());
    harness.policy("oci.yaml", policy("oci", "Warn", "oci://**"));
    harness.policy("audit.yaml", policy("audit", "Audit", "oci://**"));

    AdmissionOutcome o = validate(ServingResources.inferenceService("oci://" + reg.tamperedRef));

    assertThat(o.allowed()).isTrue();
    assertThat(o.warnings())
        .singleElement()
        .satisfies(
            w -> assertThat(w).contains("ClusterModelPolicy/oci").contains("DIGEST_MISMATCH"));
    failsAt(o.decision().warnings(), "spec.predictor.model.storageUri", Reason.DIGEST_MISMATCH);
    List<PolicyReportResult> results = sink.results();
    assertThat(results).hasSize(2);
    assertThat(results)
        .allSatisfy(
            r -> {
              assertThat(r.resources())
                  .containsExactly(
                      ObjectReference.of(
                          "serving.kserve.io/v1beta1", "InferenceService", "ml", "llama", ""));
              assertThat(r.properties())
                  .containsEntry(VerdictResults.MODEL_FIELD, "spec.predictor.model.storageUri");
            });
    assertThat(results)
        .extracting(PolicyReportResult::result)
        .contains(PolicyResult.FAIL, PolicyResult.WARN);
  }

  /** Some finding fails with {@code reason} at {@code field}, as a pod's failures name theirs. */
  static void failsAt(List<Finding> findings, String field, Reason reason) {
    assertThat(findings.stream().flatMap(f -> f.failures().stream()).toList())
        .anySatisfy(
            f -> {
              assertThat(f.reason()).isEqualTo(reason);
              assertThat(f.field().map(Object::toString)).hasValue(field);
            });
  }
}
