package dev.modelgate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.policy.DecisionText;
import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.KServePods;
import dev.modelgate.testing.SignedModel;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every model source KServe puts in a pod is found and verified where it can be: downloads after
 * the storage-initializer writes them, claims in the pod, modelcars at admission. The pods are
 * built as KServe builds them ({@link KServePods}, kserve/kserve at
 * aaac4e294dae2c7b1aa1886447793f3aa1c30912).
 */
class KServeSourcesTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  AdmissionHarness harness;
  SignedModel signed;

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    harness = new AdmissionHarness(tmp);
    harness.policy(
        "p.yaml", AdmissionHarness.keyPolicy("all-models", "Enforce", "**", signed.publicKey, ""));
  }

  private AdmissionOutcome review(JsonNode object, boolean mutating) {
    var r =
        new AdmissionRequest(
            "admission.k8s.io/v1",
            "u",
            object.path("kind").asText(),
            "ml",
            object.at("/metadata/name").asText(),
            "CREATE",
            "",
            false,
            object,
            MissingNode.getInstance());
    return harness.service().review(r, Instant.now().plus(Duration.ofSeconds(10)), mutating);
  }

  /** /mutate, then its patch applied as the API server applies it (zjsonpatch), then /validate. */
  private JsonNode mutated(JsonNode object) {
    AdmissionOutcome m = review(object, true);
    assertThat(m.allowed()).as(m.message()).isTrue();
    return JsonPatch.apply(JSON.valueToTree(m.patch()), object);
  }

  private static List<String> initNames(JsonNode spec) {
    List<String> out = new ArrayList<>();
    spec.path("initContainers").forEach(c -> out.add(c.path("name").asText()));
    return out;
  }

  private static JsonNode init(JsonNode spec, String name) {
    for (JsonNode c : spec.path("initContainers")) {
      if (name.equals(c.path("name").asText())) {
        return c;
      }
    }
    throw new AssertionError("no init container " + name + " in " + initNames(spec));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "s3://models-bucket/llama-3-8b",
        "gs://models-bucket/llama-3-8b",
        "hf://meta-llama/Meta-Llama-3-8B",
        "https://models.example.com/llama-3-8b.tar.gz",
        "https://modelstore.blob.core.windows.net/models/llama-3-8b",
        "webhdfs://namenode/models/llama-3-8b"
      })
  void downloadedModelIsVerifiedAfterTheStorageInitializerWroteIt(String uri) {
    JsonNode pod = KServePods.afterStorageInitializer(uri);

    JsonNode patched = mutated(pod);
    AdmissionOutcome validated = review(patched, false);

    assertThat(initNames(patched.path("spec")))
        .containsExactly("storage-initializer", "modelgate-verify-kserve-storage");
    JsonNode verifier = init(patched.path("spec"), "modelgate-verify-kserve-storage");
    assertThat(verifier.path("args").toString())
        .isEqualTo(
            "[\"verify-volume\",\"/modelgate/model\",\"--model-uri\",\""
                + uri
                + "\",\"--model-name\",\"kserve-storage\"]");
    assertThat(verifier.at("/volumeMounts/0"))
        .isEqualTo(
            JSON.createObjectNode()
                .put("name", "kserve-provision-location")
                .put("mountPath", "/modelgate/model")
                .put("readOnly", true));
    assertThat(validated.allowed()).as(validated.message()).isTrue();
    assertThat(validated.verdicts())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.model().uri().toString()).isEqualTo(uri);
              assertThat(DecisionText.verdict(v, 3))
                  .isEqualTo(
                      "model 'kserve-storage' ("
                          + uri
                          + ") will be verified on the volume (volume://kserve-provision-location)"
                          + " by ModelGate's init container before use (ClusterModelPolicy/all-models)");
            });
  }

  @Test
  void storageSpecIsVerifiedUnderTheUriKServeRewroteItTo() {
    JsonNode patched = mutated(KServePods.afterStorageSpec("kserve-models", "llama"));

    assertThat(init(patched.path("spec"), "modelgate-verify-kserve-storage").at("/args/3").asText())
        .isEqualTo("s3://kserve-models/llama");
    assertThat(initNames(patched.path("spec")))
        .containsExactly("storage-initializer", "modelgate-verify-kserve-storage");
    assertThat(review(patched, false).allowed()).isTrue();
  }

  @Test
  void ociFetchIsVerifiedOnTheVolumeTheInitializerPullsInto() {
    JsonNode patched = mutated(KServePods.afterOciFetch("registry.example.com/models/llama:1"));

    JsonNode verifier = init(patched.path("spec"), "modelgate-verify-kserve-storage");
    assertThat(initNames(patched.path("spec")))
        .containsExactly("storage-initializer", "modelgate-verify-kserve-storage");
    assertThat(verifier.at("/args/3").asText())
        .isEqualTo("oci://registry.example.com/models/llama:1");
    assertThat(verifier.at("/volumeMounts/0/name").asText()).isEqualTo("mnt-models");
  }

  @Test
  void downloadWithoutItsVerifierOrWithTheVerifierMovedBeforeTheWriterIsDenied() {
    JsonNode pod = KServePods.afterStorageInitializer("s3://models-bucket/llama");
    JsonNode patched = mutated(pod);
    JsonNode swapped = patched.deepCopy();
    ArrayNode init = (ArrayNode) swapped.at("/spec/initContainers");
    JsonNode verifier = init.remove(1);
    init.insert(0, verifier);

    AdmissionOutcome missing = review(pod, false);
    AdmissionOutcome early = review(swapped, false);

    assertThat(missing.allowed()).isFalse();
    assertThat(reasons(missing)).containsExactly("VERIFIER_MISSING");
    assertThat(early.allowed()).isFalse();
    assertThat(reasons(early)).containsExactly("VERIFIER_BEFORE_WRITER");
    assertThat(early.message())
        .contains(
            "init container 'storage-initializer' writes model volume 'kserve-provision-location' after modelgate-verify-kserve-storage has verified it");
  }

  @Test
  void mutateAgainAfterAnotherWebhookAppendedTheWriterMovesTheVerifierAfterIt() {
    // ModelGate ran first on a Pod whose volume model an init container fills; a later webhook adds
    // the writer.
    ObjectNode pod = (ObjectNode) KServePods.predictorPod("s3://unused");
    ((ObjectNode) pod.at("/metadata/annotations")).remove(KServePods.SOURCE_URI);
    ((ObjectNode) pod.at("/metadata/annotations"))
        .put("model.modelgate.dev/llm", "volume://weights");
    ObjectNode spec = (ObjectNode) pod.get("spec");
    KServePods.addMount(
        KServePods.container(spec, "kserve-container"), "weights", "/mnt/models", "", true);
    spec.putArray("volumes").addObject().put("name", "weights").putObject("emptyDir");
    JsonNode first = mutated(pod);
    ObjectNode later = first.deepCopy();
    ObjectNode writer =
        ((ArrayNode) later.at("/spec/initContainers"))
            .addObject()
            .put("name", "fetch")
            .put("image", "curl");
    KServePods.addMount(writer, "weights", "/w", "", false);

    JsonNode again = mutated(later);

    assertThat(initNames(first.path("spec"))).containsExactly("modelgate-verify-llm");
    assertThat(initNames(again.path("spec"))).containsExactly("fetch", "modelgate-verify-llm");
    assertThat(review(again, false).allowed()).isTrue();
    assertThat(review(later, false).message()).contains("VERIFIER_BEFORE_WRITER");
  }

  @Test
  void multiStorageUrisGetOneVerifierPerDownloadAndEveryModelcarAndClaimIsAModel() {
    JsonNode d =
        KServePods.multiStorageUrisDeployment(
            "s3://models/base",
            "hf://org/lora",
            "adapters",
            "127.0.0.1:1/models/base:1",
            "127.0.0.1:1/models/adapter:1");

    AdmissionOutcome o = review(d, true);

    assertThat(o.verdicts())
        .extracting(v -> v.model().name() + " " + v.model().uri())
        .containsExactlyInAnyOrder(
            "kserve-storage-mnt-models-base s3://models/base",
            "kserve-storage-mnt-models-lora hf://org/lora",
            "modelcar oci://127.0.0.1:1/models/base:1",
            "modelcar-1 oci://127.0.0.1:1/models/adapter:1",
            "mnt-adapters pvc://adapters");
    assertThat(o.verdicts())
        .filteredOn(v -> v.model().name().startsWith("modelcar"))
        .allSatisfy(
            v -> {
              assertThat(v.passed()).isFalse();
              assertThat(v.model().alsoNamedAt())
                  .singleElement()
                  .asString()
                  .contains("initContainers");
            });
    assertThat(o.allowed()).as("unreachable modelcar images are not admitted").isFalse();
  }

  @Test
  void multiStorageUrisDownloadsAreVerifiedInOrderAfterTheInitializer() {
    ObjectNode d =
        KServePods.multiStorageUrisDeployment(
            "s3://models/base", "hf://org/lora", "adapters", "x", "y");
    ObjectNode spec = (ObjectNode) d.at("/spec/template/spec");
    // Without the modelcars (verified at admission, and unreachable here).
    ((ArrayNode) spec.get("containers")).remove(2);
    ((ArrayNode) spec.get("containers")).remove(1);
    ((ArrayNode) spec.get("initContainers")).remove(1);
    ((ArrayNode) spec.get("initContainers")).remove(0);

    JsonNode patched = mutated(d);
    JsonNode pspec = patched.at("/spec/template/spec");

    // The claim has no writer: its verifier goes first; the downloads' after their writer.
    assertThat(initNames(pspec))
        .containsExactly(
            "modelgate-verify-mnt-adapters",
            "storage-initializer",
            "modelgate-verify-kserve-storage-mnt-models-base",
            "modelgate-verify-kserve-storage-mnt-models-lora");
    assertThat(
            init(pspec, "modelgate-verify-kserve-storage-mnt-models-base").at("/args/1").asText())
        .isEqualTo("/modelgate/model/base");
    assertThat(
            init(pspec, "modelgate-verify-kserve-storage-mnt-models-lora").at("/args/1").asText())
        .isEqualTo("/modelgate/model/lora");
    assertThat(review(patched, false).allowed()).as(review(patched, false).message()).isTrue();
    assertThat(review(patched, true).patch()).as("idempotent").isEmpty();
  }

  @Test
  void pvcPodIsVerifiedInThePodAndTheDeploymentIsAdmittedForItsPodReview() {
    JsonNode pod = KServePods.afterPvc("model-store", "llama");
    ObjectNode deployment =
        JSON.createObjectNode().put("apiVersion", "apps/v1").put("kind", "Deployment");
    deployment.putObject("metadata").put("name", "llama-predictor").put("namespace", "ml");
    ObjectNode template = deployment.putObject("spec").putObject("template");
    template.set("metadata", KServePods.predictorPod("pvc://model-store/llama").get("metadata"));
    template.set("spec", KServePods.predictorPod("pvc://model-store/llama").get("spec"));

    JsonNode patched = mutated(pod);
    AdmissionOutcome podReview = review(patched, false);
    AdmissionOutcome deploymentReview = review(deployment, false);

    assertThat(
            init(patched.path("spec"), "modelgate-verify-kserve-storage")
                .at("/volumeMounts/0/name")
                .asText())
        .isEqualTo("kserve-pvc-source");
    assertThat(podReview.allowed()).as(podReview.message()).isTrue();
    assertThat(deploymentReview.allowed()).as(deploymentReview.message()).isTrue();
    assertThat(deploymentReview.verdicts())
        .singleElement()
        .satisfies(
            v ->
                assertThat(DecisionText.verdict(v, 3))
                    .contains(
                        "model 'kserve-storage' (pvc://model-store/llama) will be verified when its Pod is reviewed")
                    .contains("mounts claim model-store only on the Pod"));
    assertThat(review(pod, false).message()).contains("VERIFIER_MISSING");
  }

  @Test
  void downloadOnATemplateIsLeftToThePodAndADownloadNothingWritesIsDenied() {
    ObjectNode deployment =
        JSON.createObjectNode().put("apiVersion", "apps/v1").put("kind", "Deployment");
    deployment.putObject("metadata").put("name", "llama-predictor").put("namespace", "ml");
    ObjectNode template = deployment.putObject("spec").putObject("template");
    template.set("metadata", KServePods.predictorPod("gs://bucket/llama").get("metadata"));
    template.set("spec", KServePods.predictorPod("gs://bucket/llama").get("spec"));

    AdmissionOutcome onTemplate = review(deployment, false);
    AdmissionOutcome bare = review(KServePods.predictorPod("gs://bucket/llama"), false);

    assertThat(onTemplate.allowed()).isTrue();
    assertThat(onTemplate.verdicts())
        .singleElement()
        .satisfies(
            v ->
                assertThat(DecisionText.verdict(v, 3))
                    .contains("will be verified when its Pod is reviewed"));
    assertThat(bare.allowed()).isFalse();
    assertThat(bare.message())
        .contains(
            "MODEL_SOURCE_UNSUPPORTED: gs:// model gs://bucket/llama has no storage-initializer init container downloading it in this Pod");
  }

  @Test
  void localModelCacheIsVerifiedOnTheNodeClaimUnderItsOriginalUri() {
    String source = "hf://meta-llama/Meta-Llama-3-8B";
    String key = KServeModels.storageKey(source);
    JsonNode patched =
        mutated(KServePods.afterLocalModelCache(source, "llama-cache-node-pvc", key));

    JsonNode verifier = init(patched.path("spec"), "modelgate-verify-kserve-storage");
    AdmissionOutcome validated = review(patched, false);

    assertThat(key).hasSize(16).matches("[0-9a-f]+");
    assertThat(verifier.at("/args/1").asText()).isEqualTo("/modelgate/model/models/" + key);
    assertThat(verifier.at("/args/3").asText()).isEqualTo(source);
    assertThat(validated.allowed()).as(validated.message()).isTrue();
    assertThat(validated.verdicts())
        .singleElement()
        .satisfies(
            v ->
                assertThat(DecisionText.verdict(v, 3))
                    .contains(
                        "("
                            + source
                            + ") will be verified on the volume (pvc://llama-cache-node-pvc/models/"
                            + key
                            + ")"));
  }

  @Test
  void modelAgentThatPullsWhileThePodRunsIsDeniedNamingIt() {
    ObjectNode pod = KServePods.predictorPod("s3://bucket/base");
    ((ObjectNode) pod.at("/metadata/annotations")).remove(KServePods.SOURCE_URI);
    ObjectNode agent =
        ((ArrayNode) pod.at("/spec/containers"))
            .addObject()
            .put("name", "agent")
            .put("image", "kserve/agent:v0.15.0");
    agent
        .putArray("args")
        .add("--enable-puller")
        .add("--config-dir")
        .add("/mnt/configs")
        .add("--model-dir")
        .add("/mnt/models");

    AdmissionOutcome o = review(pod, false);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains(
            "KServe's model agent (--enable-puller) downloads TrainedModel storage URIs while the pod runs");
  }

  @Test
  void storageInitializerNotInKServesShapeIsDenied() {
    ObjectNode pod = KServePods.afterStorageInitializer("s3://bucket/llama");
    ((ArrayNode) pod.at("/spec/initContainers/0/args")).add("s3://bucket/other");

    AdmissionOutcome o = review(pod, true);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains(
            "(storage-initializer) does not have KServe's shape (no command, args of URI PATH pairs)");
  }

  @Test
  void downloadToAPathOnNoVolumeOrEscapingItsVolumeIsDenied() {
    ObjectNode nowhere = KServePods.afterStorageInitializer("s3://bucket/llama");
    ((ArrayNode) nowhere.at("/spec/initContainers/0/args"))
        .set(1, JSON.getNodeFactory().textNode("/tmp/llama"));
    ObjectNode escaping = KServePods.afterStorageInitializer("s3://bucket/llama");
    ((ArrayNode) escaping.at("/spec/initContainers/0/args"))
        .set(1, JSON.getNodeFactory().textNode("/mnt/models/../../etc"));

    AdmissionOutcome a = review(nowhere, true);
    AdmissionOutcome b = review(escaping, true);

    assertThat(a.allowed()).isFalse();
    assertThat(a.message())
        .contains(
            "MODEL_SOURCE_UNSUPPORTED: spec.initContainers[0] downloads to /tmp/llama, which is on no volume it mounts");
    assertThat(b.allowed()).isFalse();
    assertThat(b.message()).contains("downloads to /mnt/models/../../etc").contains("..");
    assertThat(a.patch()).isEmpty();
  }

  @Test
  void nativeSidecarMountingTheDownloadBeforeTheVerifierIsDenied() {
    ObjectNode pod = KServePods.afterStorageInitializer("s3://bucket/llama");
    ObjectNode sidecar =
        JSON.createObjectNode()
            .put("name", "cache-warmer")
            .put("image", "warmer")
            .put("restartPolicy", "Always");
    KServePods.addMount(sidecar, "kserve-provision-location", "/m", "", true);
    ((ArrayNode) pod.at("/spec/initContainers")).insert(0, sidecar);

    AdmissionOutcome o = review(pod, true);

    assertThat(o.allowed()).isFalse();
    assertThat(reasons(o)).containsExactly("MODEL_READ_BEFORE_VERIFY");
    assertThat(o.message())
        .contains(
            "native sidecar 'cache-warmer' mounts model volume 'kserve-provision-location' before modelgate-verify-kserve-storage has verified it");
  }

  @Test
  void requireReadOnlyMountsExemptsTheDownloaderButNotTheApp() {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy(
            "all-models",
            "Enforce",
            "**",
            signed.publicKey,
            "  verification: {requireReadOnlyMounts: true}\n"));
    ObjectNode writableApp = KServePods.afterStorageInitializer("s3://bucket/llama");
    ((ObjectNode) writableApp.at("/spec/containers/0/volumeMounts/0")).remove("readOnly");

    AdmissionOutcome ok =
        review(mutated(KServePods.afterStorageInitializer("s3://bucket/llama")), false);
    AdmissionOutcome denied = review(writableApp, true);

    assertThat(ok.allowed()).as(ok.message()).isTrue();
    assertThat(denied.allowed()).isFalse();
    assertThat(reasons(denied)).containsExactly("MODEL_MOUNT_WRITABLE");
    assertThat(denied.message())
        .contains(
            "container 'kserve-container' mounts model volume 'kserve-provision-location' writable");
  }

  @Test
  void signatureAnnotationAppliesToAModelKServeNames() {
    ObjectNode pod = KServePods.afterStorageInitializer("https://models.example.com/llama.tar.gz");
    ((ObjectNode) pod.at("/metadata/annotations"))
        .put("signature.modelgate.dev/kserve-storage", "signatures/llama.sig");

    JsonNode verifier = init(mutated(pod).path("spec"), "modelgate-verify-kserve-storage");

    assertThat(verifier.path("args").toString())
        .endsWith("\"--signature\",\"/modelgate/model/signatures/llama.sig\"]");
  }

  @Test
  void annotationAndModelcarNamingOneImageAreOneModel() {
    ObjectNode pod = KServePods.predictorPod("oci://127.0.0.1:1/models/llama:1");
    ObjectNode spec = (ObjectNode) pod.get("spec");
    ((ArrayNode) spec.get("containers"))
        .addObject()
        .put("name", "modelcar")
        .put("image", "127.0.0.1:1/models/llama:1");
    spec.putArray("initContainers")
        .addObject()
        .put("name", "modelcar-init")
        .put("image", "127.0.0.1:1/models/llama:1");

    AdmissionOutcome o = review(pod, false);

    assertThat(o.verdicts())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.model().field())
                  .isEqualTo("metadata.annotations[" + KServePods.SOURCE_URI + "]");
              assertThat(v.model().alsoNamedAt())
                  .containsExactly("spec.containers[1].image", "spec.initContainers[0].image");
            });
  }

  @Test
  void llmInferenceServiceDownloadIsVerifiedOnItsDeploymentTemplate() {
    JsonNode patched =
        mutated(KServePods.llmInferenceServiceDeployment("hf://meta-llama/Meta-Llama-3-8B", null));
    JsonNode spec = patched.at("/spec/template/spec");

    assertThat(initNames(spec))
        .containsExactly("storage-initializer", "modelgate-verify-kserve-storage");
    assertThat(init(spec, "modelgate-verify-kserve-storage").at("/args/3").asText())
        .isEqualTo("hf://meta-llama/Meta-Llama-3-8B");
    assertThat(review(patched, false).allowed()).isTrue();
  }

  @Test
  void llmInferenceServiceClaimAndLoraClaimAreBothModels() {
    JsonNode d = KServePods.llmInferenceServiceDeployment("pvc://models/llama", "adapters");

    AdmissionOutcome o = review(d, true);
    JsonNode spec = JsonPatch.apply(JSON.valueToTree(o.patch()), d).at("/spec/template/spec");

    assertThat(o.verdicts())
        .extracting(v -> v.model().name() + " " + v.model().uri())
        .containsExactly(
            "kserve-storage pvc://models/llama", "lora-pvc-adapter pvc://adapters/adapters/sql");
    assertThat(initNames(spec))
        .containsExactly("modelgate-verify-kserve-storage", "modelgate-verify-lora-pvc-adapter");
  }

  private static List<String> reasons(AdmissionOutcome o) {
    return o.verdicts().stream()
        .filter(v -> !v.passed())
        .flatMap(v -> v.failures().stream())
        .map(f -> f.reason().code())
        .distinct()
        .toList();
  }

  static List<ModelVerdict> failed(AdmissionOutcome o) {
    return o.verdicts().stream().filter(v -> !v.passed()).toList();
  }
}
