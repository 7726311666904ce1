package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.admission.AdmissionRequest;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.KServePods;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestRegistry;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KServe modelcars against a real registry: every {@code modelcar*} container is verified, and
 * {@code modelcar-init} (which pre-pulls the same image, pkg/utils/storage.go
 * ConfigureModelcarToContainer at kserve/kserve aaac4e294dae2c7b1aa1886447793f3aa1c30912) is pinned
 * to the digest verified for its modelcar.
 */
class ModelcarPinningTest {
  @TempDir Path tmp;
  TestRegistry registry;
  SignedModel signed;
  AdmissionHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    registry = TestRegistry.startOrSkip(Files.createDirectories(tmp.resolve("registry")));
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    assertThat(
            Cli.run("push", signed.model, "oci://" + registry.host + "/models/llama:1").exitCode())
        .isZero();
    harness =
        new AdmissionHarness(tmp)
            .policy(
                "p.yaml", AdmissionHarness.keyPolicy("oci", "Enforce", "**", signed.publicKey, ""));
  }

  @AfterEach
  void tearDown() {
    if (registry != null) {
      registry.close();
    }
  }

  /**
   * A predictor Pod after InjectModelcar: modelcar (sidecar) and modelcar-init with the same image.
   */
  private ObjectNode modelcarPod(String image, String secondImage) {
    ObjectNode pod = KServePods.predictorPod("oci://" + image);
    ObjectNode spec = (ObjectNode) pod.get("spec");
    ((ArrayNode) spec.get("containers")).addObject().put("name", "modelcar").put("image", image);
    ArrayNode init = spec.putArray("initContainers");
    init.addObject().put("name", "modelcar-init").put("image", image);
    if (secondImage != null) {
      ((ArrayNode) spec.get("containers"))
          .addObject()
          .put("name", "modelcar-1")
          .put("image", secondImage);
      init.addObject().put("name", "modelcar-init-1").put("image", secondImage);
    }
    return pod;
  }

  private AdmissionOutcome mutate(JsonNode pod) {
    var r =
        new AdmissionRequest(
            "admission.k8s.io/v1",
            "u",
            "Pod",
            "ml",
            "p",
            "CREATE",
            "",
            false,
            pod,
            MissingNode.getInstance());
    return harness.service().review(r, Instant.now().plus(Duration.ofSeconds(30)), true);
  }

  @Test
  void modelcarAndModelcarInitArePinnedToTheOneVerifiedDigest() {
    String image = registry.host + "/models/llama:1";
    ObjectNode pod = modelcarPod(image, null);

    AdmissionOutcome o = mutate(pod);
    JsonNode patched = JsonPatch.apply(new ObjectMapper().valueToTree(o.patch()), pod);

    assertThat(o.allowed()).as(o.message()).isTrue();
    assertThat(o.verdicts()).singleElement().satisfies(v -> assertThat(v.passed()).isTrue());
    String pinned = patched.at("/spec/containers/1/image").asText();
    assertThat(pinned).startsWith(image + "@sha256:");
    assertThat(patched.at("/spec/initContainers/0/image").asText()).isEqualTo(pinned);
    assertThat(patched.at("/metadata/annotations").path(KServePods.SOURCE_URI).asText())
        .as("KServe's own annotation is left alone")
        .isEqualTo("oci://" + image);
  }

  @Test
  void anUnsignedSecondModelcarIsNotIgnored() {
    String image = registry.host + "/models/llama:1";
    String unsigned = registry.host + "/models/unsigned:1";

    AdmissionOutcome o = mutate(modelcarPod(image, unsigned));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("model 'modelcar-1' (oci://" + unsigned + ") failed ClusterModelPolicy/oci");
    assertThat(o.patch()).isEmpty();
  }
}
