package dev.modelgate.admission.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.admission.AdmissionRequest;
import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.policy.Finding;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.KServePods;
import dev.modelgate.testing.ServingResources;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pod review stays the enforcement point, and the serving resource's answer agrees with it: for
 * each resource, the pod KServe would make from it (built after its source at kserve/kserve
 * aaac4e294dae2c7b1aa1886447793f3aa1c30912 by {@link KServePods}: the injector's modelcar,
 * storage-initializer, claim and oci+fetch shapes; the LLMInferenceService controller's Deployment)
 * is decided with the same policies, as {@code check} does (after /mutate's patch). Admitted at the
 * top means admitted as a pod, refused at the top means refused as a pod, with the same reason
 * codes, and an OCI model is pinned to the same digest in both.
 */
class ServingConsistencyTest {
  @TempDir Path tmp;
  ServingRegistry reg;
  AdmissionHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    reg = ServingRegistry.startOrSkip(tmp);
    harness =
        new AdmissionHarness(tmp)
            .policy("oci.yaml", policy("oci", "oci://**", ""))
            .policy("s3.yaml", policy("s3", "s3://bucket/**", ""))
            .policy("hf.yaml", policy("hf", "hf://**", ""))
            .policy("pvc.yaml", policy("pvc", "pvc://**", ""));
  }

  @AfterEach
  void tearDown() {
    if (reg != null) {
      reg.close();
    }
  }

  String policy(String name, String glob, String extra) {
    return AdmissionHarness.keyPolicy(name, "Enforce", glob, reg.signed.publicKey, extra);
  }

  record Pair(String name, String resource, Supplier<ObjectNode> pod) {}

  List<Pair> pairs() {
    String signed = reg.signedRef;
    String tampered = reg.tamperedRef;
    List<Pair> out = new ArrayList<>();
    for (String image : List.of(signed, tampered)) {
      out.add(
          new Pair(
              "modelcar " + image,
              ServingResources.inferenceService("oci://" + image),
              () -> labelled(KServePods.afterModelcar(image))));
      out.add(
          new Pair(
              "oci+native " + image,
              ServingResources.inferenceService("oci+native://" + image),
              () -> labelled(KServePods.afterOciNative(image))));
      out.add(
          new Pair(
              "oci+fetch " + image,
              ServingResources.inferenceService("oci+fetch://" + image),
              () -> labelled(KServePods.afterOciFetch(image))));
    }
    for (String uri :
        List.of("s3://bucket/llama", "s3://other-bucket/llama", "hf://meta-llama/Llama-3.2-1B")) {
      out.add(
          new Pair(
              "download " + uri,
              ServingResources.inferenceService(uri),
              () -> labelled(KServePods.afterStorageInitializer(uri))));
    }
    out.add(
        new Pair(
            "claim",
            ServingResources.inferenceService("pvc://models/llama"),
            () -> labelled(KServePods.afterPvc("models", "llama"))));
    out.add(
        new Pair(
            "storage spec",
            ServingResources.storageSpecInferenceService("localMinIO", "/sklearn/iris"),
            () -> labelled(KServePods.afterStorageSpec("bucket", "sklearn/iris"))));
    for (String uri : List.of("hf://meta-llama/Llama-3.2-1B", "s3://other-bucket/llama")) {
      out.add(
          new Pair(
              "LLMInferenceService " + uri + " with a LoRA claim",
              ServingResources.llmInferenceService(uri, "adapter", "pvc://lora-claim/adapters/sql"),
              () -> KServePods.llmInferenceServiceDeployment(uri, "lora-claim")));
    }
    return out;
  }

  /** buildObjectMeta: the InferenceService's labels are on its pods. */
  private static ObjectNode labelled(ObjectNode pod) {
    ((ObjectNode) pod.at("/metadata/labels")).put("team", "nlp");
    return pod;
  }

  AdmissionOutcome decide(JsonNode object) {
    AdmissionRequest r =
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
    return harness.service().review(r, Instant.now().plus(Duration.ofSeconds(30)), true);
  }

  static Set<Reason> reasons(AdmissionOutcome o) {
    Set<Reason> out = new TreeSet<>();
    for (Finding f : o.decision().denials()) {
      f.failures().stream().map(Failure::reason).forEach(out::add);
    }
    return out;
  }

  @Test
  void theResourceAndThePodKServeMakesFromItGetTheSameAnswer() {
    List<String> seen = new ArrayList<>();
    for (Pair p : pairs()) {
      AdmissionOutcome top = decide(ServingResources.tree(p.resource()));
      AdmissionOutcome pod = decide(p.pod().get());

      assertThat(top.allowed())
          .as("%s: resource said %s, pod said %s", p.name(), top.message(), pod.message())
          .isEqualTo(pod.allowed());
      assertThat(reasons(top)).as(p.name()).isEqualTo(reasons(pod));
      seen.add(p.name() + " " + (top.allowed() ? "admitted" : "refused " + reasons(top)));
    }

    assertThat(seen)
        .as("both answers occur, so agreement is not vacuous")
        .anyMatch(s -> s.contains("admitted"))
        .anyMatch(s -> s.contains("refused [DIGEST_MISMATCH]"))
        .anyMatch(s -> s.contains("refused [NO_POLICY]"));
  }

  @Test
  void theResourceAndItsModelcarArePinnedToTheSameDigest() {
    AdmissionOutcome top =
        decide(ServingResources.tree(ServingResources.inferenceService("oci://" + reg.signedRef)));
    AdmissionOutcome pod = decide(labelled(KServePods.afterModelcar(reg.signedRef)));

    String digest = reg.digest(reg.signedRef);
    assertThat(top.patch())
        .singleElement()
        .satisfies(op -> assertThat(op.get("value").toString()).endsWith("@" + digest));
    assertThat(pod.patch())
        .extracting(op -> op.get("value").toString())
        .isNotEmpty()
        .allSatisfy(v -> assertThat(v).endsWith("@" + digest));
  }

  @Test
  void requireModelsRefusesAResourceAndItsPodThatNameNoModelAlike() {
    harness.policy("required.yaml", policy("required", "oci://**", "  requireModels: true\n"));
    String custom =
        """
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: llama, namespace: ml}
        spec:
          predictor:
            containers: [{name: kserve-container, image: example.com/server:1}]
        """;
    ObjectNode pod = KServePods.predictorPod("unused");
    ((ObjectNode) pod.at("/metadata")).remove("annotations");
    // The pod of a custom predictor runs its own container, without huggingfaceserver's
    // --model_dir (which, pointing at nothing mounted, is itself a model source in the image).
    ((ObjectNode) pod.at("/spec/containers/0")).put("image", "example.com/server:1").remove("args");

    AdmissionOutcome top = decide(ServingResources.tree(custom));
    AdmissionOutcome fromPod = decide(pod);

    assertThat(reasons(top)).containsExactly(Reason.NO_MODEL_DECLARED);
    assertThat(reasons(fromPod)).containsExactly(Reason.NO_MODEL_DECLARED);
  }
}
