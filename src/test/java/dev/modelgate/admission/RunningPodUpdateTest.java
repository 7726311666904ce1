package dev.modelgate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Updates of running pods, as the API server sends them: the object and the oldObject are the whole
 * pod, and a pod may change only its labels, annotations, container images and, through the {@code
 * ephemeralcontainers} subresource, its ephemeral containers (Kubernetes {@code
 * pkg/apis/core/validation/validation.go}, {@code ValidatePodUpdate}: "pod updates may not change
 * fields other than spec.containers[*].image, spec.initContainers[*].image, ..."). A pod whose init
 * containers and volumes are unchanged is judged as the pod it is, whatever policy edit came since
 * its verifier was injected; {@code /validate}, {@code /mutate} and {@code check} give one answer,
 * and /mutate never patches an existing pod.
 */
class RunningPodUpdateTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  SignedModel signed;
  AdmissionHarness harness;

  /** A pod on claim {@code models}, as created: the verifier is not there yet. */
  JsonNode created;

  /** The same pod as the API server stored it after /mutate's patch: the running pod. */
  JsonNode running;

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    harness = new AdmissionHarness(tmp);
    policy("");
    created =
        new YAMLMapper()
            .readTree(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\n  namespace: ml\n  labels: {app: llm}\n"
                    + "  annotations: {model.modelgate.dev/llm: 'pvc://models/llama'}\n"
                    + "spec:\n  initContainers: [{name: prepare, image: busybox}]\n"
                    + "  containers:\n    - {name: server, image: 'server:1', volumeMounts: [{name: weights, mountPath: /models, subPath: llama, readOnly: true}]}\n"
                    + "  volumes:\n    - {name: weights, persistentVolumeClaim: {claimName: models}}\n");
    AdmissionOutcome injected = review(request("CREATE", "", created, null), true);
    assertThat(injected.allowed()).as(injected.message()).isTrue();
    running = JsonPatch.apply(JSON.valueToTree(injected.patch()), created);
    assertThat(review(request("CREATE", "", running, null), false).allowed()).isTrue();
  }

  /** The Enforce policy on claims, read-only mounts required; {@code extra} edits it. */
  private void policy(String extra) {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy(
            "volumes",
            "Enforce",
            "pvc://**",
            signed.publicKey,
            "  verification: {requireReadOnlyMounts: true}\n" + extra));
  }

  /** An edit of the matching policy: the verifier /mutate would inject now carries other text. */
  private void editPolicy() {
    policy("  files: {deny: [\"**/*.pkl\"]}\n");
  }

  private static AdmissionRequest request(
      String operation, String subResource, JsonNode object, JsonNode old) {
    return request("Pod", operation, subResource, object, old);
  }

  private static AdmissionRequest request(
      String kind, String operation, String subResource, JsonNode object, JsonNode old) {
    return new AdmissionRequest(
        "admission.k8s.io/v1",
        "u-1",
        kind,
        "ml",
        "w",
        operation,
        subResource,
        false,
        object,
        old == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : old);
  }

  private AdmissionOutcome review(AdmissionRequest r, boolean mutating) {
    return harness.service().review(r, Instant.now().plus(Duration.ofSeconds(10)), mutating);
  }

  /** {@code check} on the request as an AdmissionReview file. */
  private Cli.Result check(String subResource, JsonNode object, JsonNode old) throws Exception {
    ObjectNode request = JSON.createObjectNode();
    request.put("uid", "u-1");
    request.set("kind", JSON.readTree("{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"}"));
    request.set(
        "resource", JSON.readTree("{\"group\":\"\",\"version\":\"v1\",\"resource\":\"pods\"}"));
    if (!subResource.isEmpty()) {
      request.put("subResource", subResource);
    }
    request.put("namespace", "ml");
    request.put("name", "w");
    request.put("operation", "UPDATE");
    request.set("userInfo", JSON.readTree("{\"username\":\"kubectl\"}"));
    request.set("object", object);
    request.set("oldObject", old);
    request.put("dryRun", false);
    ObjectNode review = JSON.createObjectNode();
    review.put("apiVersion", "admission.k8s.io/v1");
    review.put("kind", "AdmissionReview");
    review.set("request", request);
    Path file =
        TestModels.write(tmp.resolve("review-" + System.nanoTime() + ".json"), review.toString());
    return Cli.run("check", "--policies", harness.policies, file);
  }

  /** The running pod with a debug container mounting the model volume ({@code kubectl debug}). */
  private JsonNode debugged(String mount) throws Exception {
    JsonNode pod = running.deepCopy();
    ((ObjectNode) pod.path("spec"))
        .putArray("ephemeralContainers")
        .add(
            JSON.readTree(
                "{\"name\":\"debug\",\"image\":\"busybox\",\"volumeMounts\":[" + mount + "]}"));
    return pod;
  }

  private JsonNode labelled(JsonNode pod) {
    JsonNode copy = pod.deepCopy();
    ((ObjectNode) copy.path("metadata").path("labels")).put("team", "search");
    return copy;
  }

  /** Each update, with the endpoints' common answer: admitted, or denied with this reason. */
  static Stream<Arguments> updates() {
    return Stream.of(
        Arguments.of("label only", false, null),
        Arguments.of("label only, after a policy edit", true, null),
        Arguments.of("new server image, after a policy edit", true, null),
        Arguments.of("verifier image replaced", false, Reason.VERIFIER_ALTERED),
        Arguments.of("verifier image replaced, after a policy edit", true, Reason.VERIFIER_ALTERED),
        Arguments.of(
            "init container image changed, after a policy edit", true, Reason.VERIFIER_ALTERED));
  }

  private JsonNode updated(String what) {
    JsonNode pod = labelled(running);
    ArrayNode init = (ArrayNode) pod.path("spec").path("initContainers");
    if (what.startsWith("new server image")) {
      ((ObjectNode) pod.path("spec").path("containers").path(0)).put("image", "server:2");
    } else if (what.startsWith("verifier image")) {
      for (JsonNode c : init) {
        if (c.path("name").asText().startsWith("modelgate-verify-")) {
          ((ObjectNode) c).put("image", "attacker.example/modelgate:0.1.0");
        }
      }
    } else if (what.startsWith("init container image")) {
      ((ObjectNode) init.path(0)).put("image", "busybox:2");
    }
    return pod;
  }

  /**
   * A policy edit that turns on {@code verification.sealRuntimeDownloads} after the pod started:
   * the seal is set by /mutate on new pods, and a running pod's container environment cannot change
   * (ValidatePodUpdate), so a label update of the pod is not denied RUNTIME_DOWNLOADS_UNSEALED; a
   * new pod without the seal still is.
   */
  @Test
  void aLabelUpdateOfARunningPodPassesAfterAPolicyTurnsOnTheSeal() throws Exception {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy(
            "volumes",
            "Enforce",
            "pvc://**",
            signed.publicKey,
            "  verification: {requireReadOnlyMounts: true, sealRuntimeDownloads: true}\n"));
    JsonNode pod = labelled(running);

    AdmissionOutcome validated = review(request("UPDATE", "", pod, running), false);
    Cli.Result checked = check("", pod, running);
    AdmissionOutcome recreated = review(request("CREATE", "", running, null), false);

    assertThat(validated.allowed()).as(validated.message()).isTrue();
    assertThat(checked.exitCode()).as(checked.toString()).isZero();
    assertThat(recreated.allowed()).isFalse();
    assertThat(recreated.decision().denials())
        .flatExtracting(f -> f.failures())
        .extracting(Failure::reason)
        .contains(Reason.RUNTIME_DOWNLOADS_UNSEALED);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("updates")
  void validateMutateAndCheckGiveOneAnswerForAnUpdate(String what, boolean edit, Reason denied)
      throws Exception {
    if (edit) {
      editPolicy();
    }
    JsonNode pod = updated(what);

    AdmissionOutcome validated = review(request("UPDATE", "", pod, running), false);
    AdmissionOutcome mutated = review(request("UPDATE", "", pod, running), true);
    Cli.Result checked = check("", pod, running);

    assertThat(validated.allowed()).as(validated.message()).isEqualTo(denied == null);
    assertThat(mutated.allowed()).as(mutated.message()).isEqualTo(denied == null);
    assertThat(mutated.patch()).as("an existing pod is never patched").isEmpty();
    assertThat(checked.exitCode()).as(checked.toString()).isEqualTo(denied == null ? 0 : 1);
    assertThat(checked.err()).doesNotContain("mutate:");
    if (denied != null) {
      assertThat(validated.decision().denials())
          .flatExtracting(f -> f.failures())
          .extracting(Failure::reason)
          .contains(denied);
      assertThat(mutated.message()).isEqualTo(validated.message());
      assertThat(checked.err()).contains(denied.name());
    }
  }

  @Test
  void theSamePodCreatedAfterThePolicyEditGetsTheNewVerifier() {
    editPolicy();

    AdmissionOutcome asCreated = review(request("CREATE", "", running, null), false);
    AdmissionOutcome mutated = review(request("CREATE", "", created, null), true);

    assertThat(asCreated.allowed()).isFalse();
    assertThat(asCreated.message()).contains("VERIFIER_ALTERED");
    assertThat(mutated.allowed()).isTrue();
    assertThat(JSON.valueToTree(mutated.patch()).toString()).contains("**/*.pkl");
  }

  @Test
  void ephemeralContainerMountingTheModelWritableIsDeniedAfterAPolicyEdit() throws Exception {
    editPolicy();
    JsonNode debugged =
        debugged("{\"name\":\"weights\",\"mountPath\":\"/m\",\"subPath\":\"llama\"}");

    AdmissionOutcome o = review(request("UPDATE", "ephemeralcontainers", debugged, running), false);
    Cli.Result checked = check("ephemeralcontainers", debugged, running);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("MODEL_MOUNT_WRITABLE")
        .contains("container 'debug' mounts model volume 'weights' writable")
        .doesNotContain("VERIFIER_ALTERED");
    assertThat(checked.exitCode()).as(checked.toString()).isEqualTo(1);
    assertThat(checked.err()).contains("MODEL_MOUNT_WRITABLE");
  }

  @Test
  void ephemeralContainerReadingTheModelAtItsPathIsAdmittedAfterAPolicyEdit() throws Exception {
    editPolicy();
    JsonNode debugged =
        debugged(
            "{\"name\":\"weights\",\"mountPath\":\"/m\",\"subPath\":\"llama\",\"readOnly\":true}");

    AdmissionOutcome o = review(request("UPDATE", "ephemeralcontainers", debugged, running), false);
    Cli.Result checked = check("ephemeralcontainers", debugged, running);

    assertThat(o.allowed()).as(o.message()).isTrue();
    assertThat(checked.exitCode()).as(checked.toString()).isZero();
  }

  @Test
  void ephemeralContainerOnAnotherPartOfTheClaimIsDenied() throws Exception {
    JsonNode debugged = debugged("{\"name\":\"weights\",\"mountPath\":\"/m\",\"readOnly\":true}");

    AdmissionOutcome o = review(request("UPDATE", "ephemeralcontainers", debugged, running), false);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("MOUNT_OUTSIDE_MODEL");
  }

  @Test
  void aVerifierNeverInjectedForThisModelIsDeniedEvenUnchanged() throws Exception {
    // Created while the webhook was not there: a container dressed as the verifier, checking
    // another model, which the pod's updates carry along unchanged.
    JsonNode forged = running.deepCopy();
    for (JsonNode c : forged.path("spec").path("initContainers")) {
      if (c.path("name").asText().startsWith("modelgate-verify-")) {
        ArrayNode args = (ArrayNode) c.path("args");
        args.set(3, JSON.getNodeFactory().textNode("pvc://models/other"));
      }
    }

    AdmissionOutcome o = review(request("UPDATE", "", labelled(forged), forged), false);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("VERIFIER_ALTERED");
  }

  @Test
  void aRunningPodThatStartedWithoutAVerifierIsAdmittedWithAWarning() throws Exception {
    // The pod started before any policy matched its model; a policy now does.
    JsonNode unverified = created.deepCopy();

    AdmissionOutcome update =
        review(request("UPDATE", "", labelled(unverified), unverified), false);
    AdmissionOutcome asNew = review(request("CREATE", "", unverified, null), false);

    assertThat(update.allowed()).as(update.message()).isTrue();
    assertThat(update.warnings())
        .singleElement()
        .asString()
        .contains("VERIFIER_MISSING")
        .contains("was not verified when this running pod started")
        .contains("recreate the pod");
    assertThat(asNew.allowed()).isFalse();
    assertThat(asNew.message()).contains("VERIFIER_MISSING");
  }

  @Test
  void aDeploymentUpdateAfterAPolicyEditGetsTheNewVerifierInItsTemplate() throws Exception {
    JsonNode deployment =
        new YAMLMapper()
            .readTree(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, namespace: ml}\nspec:\n  template:\n"
                    + "    metadata:\n      annotations: {model.modelgate.dev/llm: 'pvc://models/llama'}\n"
                    + "    spec:\n"
                    + "      containers: [{name: server, image: s, volumeMounts: [{name: weights, mountPath: /m, subPath: llama, readOnly: true}]}]\n"
                    + "      volumes: [{name: weights, persistentVolumeClaim: {claimName: models}}]\n");
    AdmissionRequest create = request("Deployment", "CREATE", "", deployment, null);
    JsonNode stored = JsonPatch.apply(JSON.valueToTree(review(create, true).patch()), deployment);
    editPolicy();
    AdmissionRequest update = request("Deployment", "UPDATE", "", stored, stored);

    AdmissionOutcome mutated = review(update, true);
    JsonNode patched = JsonPatch.apply(JSON.valueToTree(mutated.patch()), stored);
    AdmissionRequest validated = request("Deployment", "UPDATE", "", patched, stored);

    assertThat(mutated.patch()).isNotEmpty();
    assertThat(review(validated, false).allowed()).isTrue();
    assertThat(Map.of("patch", mutated.patch()).toString()).contains("**/*.pkl");
    assertThat(List.of(review(update, false).message()))
        .anyMatch(m -> m.contains("VERIFIER_ALTERED"));
  }
}
