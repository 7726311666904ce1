package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.admission.AdmissionRequest;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.ContainerImage;
import dev.modelgate.testing.ImageLayer;
import dev.modelgate.testing.KServePods;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image volume whose policy verified only the image's model directory (a modelcar: {@code
 * verification.imageModelPath}, default {@code /models}) may be mounted only at that directory:
 * KServe's {@code oci+native://} mount, {@code subPath: models} read-only (kserve/kserve
 * aaac4e294dae2c7b1aa1886447793f3aa1c30912, pkg/utils/storage.go ConfigureOciNativeToContainer), is
 * admitted; the image's root, another directory, {@code ..} or {@code subPathExpr} are not. An
 * artifact (each layer a file, verified whole from the manifest) may be mounted whole. Real images
 * and artifacts in the real test registry. A KServe modelcar is bound through its link: KServe's
 * own command linking the verified directory, and nothing else.
 */
class ImageVolumeBindingTest {
  @TempDir Path tmp;
  TestRegistry registry;
  SignedModel signed;
  String modelcar;
  AdmissionHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    registry = TestRegistry.startOrSkip(Files.createDirectories(tmp.resolve("registry")));
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    modelcar = registry.host + "/models/llm-modelcar:v1";
    ContainerImage.push(
            modelcar,
            ContainerImage.busyboxBase(),
            ImageLayer.create().copy(signed.model, "models"),
            ImageLayer.create().file("opt/unsigned/model.safetensors", "not signed"))
        .attachSignature(signed.signature);
    harness = harness("  verification: {allowLayerDownload: true}\n");
  }

  @AfterEach
  void tearDown() {
    if (registry != null) {
      registry.close();
    }
  }

  private AdmissionHarness harness(String verification) throws Exception {
    return new AdmissionHarness(Files.createTempDirectory(tmp, "h"))
        .policy(
            "p.yaml",
            AdmissionHarness.keyPolicy(
                "images",
                "Enforce",
                "oci://" + registry.host + "/**",
                signed.publicKey,
                verification));
  }

  /** A pod serving {@code reference} from an image volume, the server's mount given. */
  private static JsonNode pod(String reference, String mount) throws Exception {
    return new YAMLMapper()
        .readTree(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: llm\n  namespace: ml\nspec:\n"
                + "  containers:\n    - name: kserve-container\n      image: kserve/huggingfaceserver\n"
                + "      volumeMounts: [{name: mnt-models, mountPath: /mnt/models, readOnly: true"
                + mount
                + "}]\n"
                + "  volumes:\n    - name: mnt-models\n      image: {reference: '"
                + reference
                + "', pullPolicy: IfNotPresent}\n");
  }

  @Test
  void kserveOciNativeMountOfTheModelDirectoryIsAdmitted() throws Exception {
    AdmissionOutcome o = harness.mutateThenValidate(pod(modelcar, ", subPath: models"));

    assertThat(o.allowed()).as(o.message()).isTrue();
  }

  @Test
  void theImageRootIsDeniedNamingTheSubPathToUse() throws Exception {
    AdmissionOutcome o = harness.mutateThenValidate(pod(modelcar, ""));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains(
            "MOUNT_OUTSIDE_MODEL: container 'kserve-container' mounts image volume 'mnt-models' (oci://"
                + modelcar
                + ") at its root, but policy ClusterModelPolicy/images verified only its directory /models (verification.imageModelPath): mount it with subPath: models");
  }

  @Test
  void anotherDirectoryOfTheImageOrAStepOutIsDenied() throws Exception {
    AdmissionOutcome other = harness.mutateThenValidate(pod(modelcar, ", subPath: opt/unsigned"));
    AdmissionOutcome stepOut =
        harness.mutateThenValidate(pod(modelcar, ", subPath: models/../opt"));
    AdmissionOutcome expr =
        harness.mutateThenValidate(pod(modelcar, ", subPathExpr: '$(MODEL_DIR)'"));

    assertThat(other.message()).contains("at subPath 'opt/unsigned', but policy");
    assertThat(stepOut.message()).contains("at subPath 'models/../opt', but policy");
    assertThat(expr.message()).contains("at subPathExpr $(MODEL_DIR), but policy");
    assertThat(other.allowed() || stepOut.allowed() || expr.allowed()).isFalse();
  }

  @Test
  void aDirectoryBelowTheModelIsAdmitted() throws Exception {
    AdmissionOutcome o = harness.mutateThenValidate(pod(modelcar, ", subPath: models/tokenizer"));

    assertThat(o.allowed()).as(o.message()).isTrue();
  }

  @Test
  void thePolicysImageModelPathIsTheDirectoryToMount() throws Exception {
    String car = registry.host + "/models/opt-modelcar:v1";
    ContainerImage.push(
            car, ContainerImage.busyboxBase(), ImageLayer.create().copy(signed.model, "opt/model"))
        .attachSignature(signed.signature);
    AdmissionHarness h =
        harness("  verification: {allowLayerDownload: true, imageModelPath: /opt/model}\n");

    AdmissionOutcome ok = h.mutateThenValidate(pod(car, ", subPath: opt/model"));
    AdmissionOutcome models = h.mutateThenValidate(pod(car, ", subPath: models"));

    assertThat(ok.allowed()).as(ok.message()).isTrue();
    assertThat(models.message()).contains("verified only its directory /opt/model");
  }

  @Test
  void anArtifactVerifiedWholeMayBeMountedWhole() throws Exception {
    String artifact = registry.host + "/models/llm:v1";
    assertThat(Cli.run("push", signed.model, "oci://" + artifact).exitCode()).isZero();

    AdmissionOutcome o = harness.mutateThenValidate(pod(artifact, ""));

    assertThat(o.allowed()).as(o.message()).isTrue();
  }

  @Test
  void anEphemeralContainerMountingTheImageRootOfARunningPodIsDenied() throws Exception {
    JsonNode running =
        AdmissionHarness.patched(
            harness.review(pod(modelcar, ", subPath: models"), true),
            pod(modelcar, ", subPath: models"));
    JsonNode debugged = running.deepCopy();
    ((ObjectNode) debugged.path("spec"))
        .putArray("ephemeralContainers")
        .addObject()
        .put("name", "debug")
        .put("image", "busybox")
        .putArray("volumeMounts")
        .addObject()
        .put("name", "mnt-models")
        .put("mountPath", "/img");
    AdmissionRequest r =
        new AdmissionRequest(
            "admission.k8s.io/v1",
            "u",
            "Pod",
            "ml",
            "llm",
            "UPDATE",
            "ephemeralcontainers",
            false,
            debugged,
            running);

    AdmissionOutcome labelled =
        harness.review(
            new AdmissionRequest(
                "admission.k8s.io/v1",
                "u",
                "Pod",
                "ml",
                "llm",
                "UPDATE",
                "",
                false,
                running,
                running));
    AdmissionOutcome o = harness.review(r);

    assertThat(labelled.allowed()).as(labelled.message()).isTrue();
    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("container 'debug' mounts image volume 'mnt-models'");
  }

  private static ObjectNode modelcarContainer(ObjectNode pod) {
    return KServePods.container((ObjectNode) pod.get("spec"), "modelcar");
  }

  /**
   * A KServe modelcar shows the server one directory of its image through the link its command
   * makes, {@code ln -sf /proc/$$$$/root/models <path>} whatever the storage URI
   * (pkg/utils/storage.go modelcarCommand, CreateModelcarContainer: args only): KServe's own
   * modelcar of the verified {@code /models} is admitted.
   */
  @Test
  void kservesModelcarLinkingTheVerifiedModelsDirectoryIsAdmitted() throws Exception {
    AdmissionOutcome o = harness.mutateThenValidate(KServePods.afterModelcar(modelcar));

    assertThat(o.allowed()).as(o.message()).isTrue();
  }

  @Test
  void aPolicyVerifyingAnotherDirectoryThanTheModelcarLinksIsDenied() throws Exception {
    // Signed model at /data, unsigned at /models: KServe's modelcar shows /models.
    String data = registry.host + "/models/data-modelcar:v1";
    ContainerImage.push(
            data,
            ContainerImage.busyboxBase(),
            ImageLayer.create().copy(signed.model, "data"),
            ImageLayer.create().file("models/model.safetensors", "not signed"))
        .attachSignature(signed.signature);

    AdmissionOutcome o =
        harness("  verification: {allowLayerDownload: true, imageModelPath: /data}\n")
            .mutateThenValidate(KServePods.afterModelcar(data));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains(
            "MOUNT_OUTSIDE_MODEL: modelcar container 'modelcar' links /proc/$$/root/models of image oci://"
                + data
                + " for the server, but policy ClusterModelPolicy/images verified only its directory /data");
  }

  @Test
  void aModelcarLinkingAnotherDirectoryOfItsImageIsDenied() throws Exception {
    ObjectNode pod = KServePods.afterModelcar(modelcar);
    ((ArrayNode) modelcarContainer(pod).get("args"))
        .set(2, "ln -sf /proc/$$$$/root/opt/unsigned /mnt/models && sleep infinity");

    AdmissionOutcome o = harness.mutateThenValidate(pod);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("modelcar container 'modelcar' links /proc/$$/root/opt/unsigned of image");
  }

  @Test
  void aModelcarThatRunsAnythingBesideKServesLinkIsDenied() throws Exception {
    // A command replaces what runs the args (KServe sets none); a longer script may write into the
    // verified directory of the running container.
    ObjectNode command = KServePods.afterModelcar(modelcar);
    modelcarContainer(command).putArray("command").add("/bin/linker");
    ObjectNode script = KServePods.afterModelcar(modelcar);
    ((ArrayNode) modelcarContainer(script).get("args"))
        .set(
            2,
            "ln -sf /proc/$$$$/root/models /mnt/models && cp /opt/unsigned/* /models/ && sleep infinity");

    for (ObjectNode pod : List.of(command, script)) {
      AdmissionOutcome o = harness.mutateThenValidate(pod);

      assertThat(o.allowed()).isFalse();
      assertThat(o.message())
          .contains(
              "MOUNT_OUTSIDE_MODEL: modelcar container 'modelcar' does not run KServe's modelcar command");
    }
  }
}
