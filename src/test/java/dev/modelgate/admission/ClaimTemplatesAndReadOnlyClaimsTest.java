package dev.modelgate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.SignedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A StatefulSet's {@code volumeClaimTemplates} are volumes of its pod template for every volume
 * rule, and {@code persistentVolumeClaim.readOnly: true} makes every mount of its volume read-only.
 * Shapes from the operators that build them:
 *
 * <ul>
 *   <li>KAITO on NVMe: kaito-project/kaito pkg/workspace/inference/preset_inferences.go
 *       (GenerateModelWeightsCacheVolume: claim template {@code model-weights-volume}, RWO, added
 *       by manifests.AddStatefulSetVolumeClaimTemplates when NVMe is available) and
 *       pkg/workspace/manifests/manifests.go @00dc9aa6d5708420f30e48fa6072325b765f239c
 *       (GenerateModelPullerContainer: init container {@code model-weights-downloader}, {@code oras
 *       pull … -o /workspace/weights}, writable mount; the StatefulSet's template is labelled only
 *       {@code kaito.sh/workspace}).
 *   <li>Seldon Core 2 servers: SeldonIO/seldon-core
 *       operator/config/serverconfigs/mlserver.yaml @7b77f8b78e87f6d03030174570707eee00d5202e
 *       (claim template {@code mlserver-models}, written by the {@code rclone} and {@code agent}
 *       containers at /mnt/agent, read by {@code mlserver}).
 *   <li>NVIDIA NIM operator: NVIDIA/k8s-nim-operator
 *       api/apps/v1alpha1/nimservice_types.go @0464933f6130407a009c6cb76bbc1954cdb80422
 *       (GetVolumes: {@code model-store} claim with {@code ReadOnly: n.GetStorageReadOnly()};
 *       GetVolumeMounts: {@code /model-store} with no readOnly).
 * </ul>
 *
 * The pods a StatefulSet makes are built as the controller builds them: kubernetes/kubernetes
 * pkg/controller/statefulset/stateful_set_utils.go @00bdb3fade2ef1ada898bd8fae2c6a1958da3a5d
 * (updateStorage: a volume named after each template, on claim {@code
 * <template>-<statefulset>-<ordinal>}, replacing a template volume of that name).
 */
class ClaimTemplatesAndReadOnlyClaimsTest {
  static final YAMLMapper YAML = new YAMLMapper();
  @TempDir Path tmp;
  AdmissionHarness harness;
  SignedModel signed;

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    harness = new AdmissionHarness(tmp);
  }

  private void policy(String extra) {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy("every-model", "Enforce", "**", signed.publicKey, extra));
  }

  private static final String KAITO_DECLARED =
      "  declaredModels:\n    - name: phi-4\n      uri: volume://model-weights-volume\n"
          + "      workloadSelector: {matchLabels: {kaito.sh/workspace: phi-4}}\n";

  /** KAITO's multi-node vLLM StatefulSet with the model weights on an NVMe claim template. */
  private static JsonNode kaito(String mainMount, String extraContainers) throws Exception {
    return YAML.readTree(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: phi-4, namespace: ml}\n"
            + "spec:\n  replicas: 2\n  serviceName: phi-4-headless\n  podManagementPolicy: Parallel\n"
            + "  selector: {matchLabels: {kaito.sh/workspace: phi-4}}\n"
            + "  template:\n    metadata:\n      labels: {kaito.sh/workspace: phi-4}\n"
            + "    spec:\n      initContainers:\n"
            + "        - name: model-weights-downloader\n          image: mcr.microsoft.com/oss/v2/oras-project/oras:v1.2.3\n"
            + "          command: [oras, pull, mcr.microsoft.com/aks/kaito/kaito-phi-4:0.2.0, -o, /workspace/weights]\n"
            + "          volumeMounts: [{name: model-weights-volume, mountPath: /workspace/weights}]\n"
            + "      containers:\n"
            + "        - name: phi-4\n          image: mcr.microsoft.com/aks/kaito/kaito-base:0.0.8\n"
            + "          command: [/bin/sh, -c, 'python3 /workspace/vllm/inference_api.py --served-model-name phi-4']\n"
            + "          volumeMounts:\n            - {name: config-volume, mountPath: /mnt/config}\n"
            + "            - "
            + mainMount
            + "\n            - {name: dshm, mountPath: /dev/shm}\n"
            + extraContainers
            + "      volumes:\n        - {name: config-volume, configMap: {name: inference-params-template-vllm}}\n"
            + "        - {name: dshm, emptyDir: {medium: Memory}}\n"
            + "  volumeClaimTemplates:\n"
            + "    - metadata: {name: model-weights-volume, labels: {kaito.sh/workspace: phi-4}}\n"
            + "      spec: {accessModes: [ReadWriteOnce], storageClassName: kaito-local-nvme-disk, resources: {requests: {storage: 64Gi}}}\n");
  }

  private static final String KAITO_MOUNT =
      "{name: model-weights-volume, mountPath: /workspace/weights}";

  /**
   * The pod the StatefulSet controller makes for {@code ordinal} (updateStorage, updateIdentity).
   */
  private static JsonNode podOf(JsonNode set, int ordinal) {
    String name = set.at("/metadata/name").asText();
    ObjectNode pod = YAML.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
    ObjectNode meta = ((ObjectNode) set.at("/spec/template/metadata")).deepCopy();
    meta.put("name", name + "-" + ordinal).put("namespace", set.at("/metadata/namespace").asText());
    pod.set("metadata", meta);
    ObjectNode spec = ((ObjectNode) set.at("/spec/template/spec")).deepCopy();
    ArrayNode volumes = YAML.createArrayNode();
    for (JsonNode claim : set.at("/spec/volumeClaimTemplates")) {
      String t = claim.at("/metadata/name").asText();
      ObjectNode v = volumes.addObject().put("name", t);
      v.putObject("persistentVolumeClaim")
          .put("claimName", t + "-" + name + "-" + ordinal)
          .put("readOnly", false);
    }
    for (JsonNode v : spec.path("volumes")) {
      boolean replaced = false;
      for (JsonNode claim : set.at("/spec/volumeClaimTemplates")) {
        replaced |= claim.at("/metadata/name").asText().equals(v.path("name").asText());
      }
      if (!replaced) {
        volumes.add(v);
      }
    }
    spec.set("volumes", volumes);
    pod.set("spec", spec);
    return pod;
  }

  @Test
  void kaitoNvmeStatefulSetIsAdmittedWithItsVerifierAfterTheDownloaderAndSoAreItsPods()
      throws Exception {
    policy(KAITO_DECLARED);
    JsonNode set = kaito(KAITO_MOUNT, "");

    AdmissionOutcome mutate = harness.review(set, true);
    JsonNode patched = AdmissionHarness.patched(mutate, set);
    AdmissionOutcome validated = harness.review(patched, false);

    assertThat(validated.allowed()).as(validated.message()).isTrue();
    assertThat(validated.modelsFound()).isEqualTo(1);
    assertThat(patched.at("/spec/template/spec/initContainers/0/name").asText())
        .isEqualTo("model-weights-downloader");
    assertThat(patched.at("/spec/template/spec/initContainers/1/name").asText())
        .isEqualTo("modelgate-verify-phi-4");
    assertThat(patched.at("/spec/template/spec/initContainers/1/volumeMounts/0/name").asText())
        .isEqualTo("model-weights-volume");
    // The StatefulSet itself is not given the template as a volume: the controller does that.
    assertThat(patched.at("/spec/template/spec/volumes").toString())
        .doesNotContain("model-weights-volume");

    for (int ordinal : new int[] {0, 1}) {
      JsonNode pod = podOf(patched, ordinal);
      AdmissionOutcome podMutate = harness.review(pod, true);
      AdmissionOutcome podValidate = harness.review(pod, false);
      assertThat(podMutate.patch()).as("the template's verifier is the pod's").isEmpty();
      assertThat(podValidate.allowed()).as(podValidate.message()).isTrue();
    }
  }

  @Test
  void aStatefulSetWithoutTheVerifierIsDeniedForItAndNotForAMissingVolume() throws Exception {
    policy(KAITO_DECLARED);

    AdmissionOutcome o = harness.review(kaito(KAITO_MOUNT, ""), false);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("VERIFIER_MISSING").doesNotContain("MODEL_VOLUME_NOT_MOUNTED");
  }

  @Test
  void aClaimTemplateIsBoundToTheVerifiedPathLikeAnyClaim() throws Exception {
    policy(
        "  declaredModels:\n    - name: phi-4\n      uri: volume://model-weights-volume/phi-4\n"
            + "      workloadSelector: {matchLabels: {kaito.sh/workspace: phi-4}}\n");
    JsonNode set =
        kaito(
            "{name: model-weights-volume, mountPath: /workspace/weights, subPath: phi-4}",
            "        - name: sidestep\n          image: busybox\n"
                + "          volumeMounts: [{name: model-weights-volume, mountPath: /all, subPath: unsigned, readOnly: true}]\n");

    AdmissionOutcome o = harness.mutateThenValidate(set);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains(
            "MOUNT_OUTSIDE_MODEL: container 'sidestep' mounts claim model-weights-volume-phi-4-<ordinal> (volume 'model-weights-volume') at subPath 'unsigned', outside the verified model directory 'phi-4'");
  }

  @Test
  void requireReadOnlyMountsDeniesEveryWriterOfAClaimTemplate() throws Exception {
    policy(KAITO_DECLARED + "  verification: {requireReadOnlyMounts: true}\n");

    AdmissionOutcome o = harness.mutateThenValidate(kaito(KAITO_MOUNT, ""));

    // A claim outlives the pod: its downloader is a writer too, as on any claim.
    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("container 'phi-4' mounts model volume 'model-weights-volume' writable")
        .contains(
            "container 'model-weights-downloader' mounts model volume 'model-weights-volume' writable");
  }

  @Test
  void seldonServerModelsClaimTemplateIsFoundAndItsRcloneWriterDenied() throws Exception {
    policy(
        "  declaredModels:\n    - name: models\n      uri: volume://mlserver-models\n"
            + "      workloadSelector: {matchLabels: {seldon-server-name: mlserver}}\n"
            + "  verification: {requireReadOnlyMounts: true}\n");
    JsonNode set =
        YAML.readTree(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: mlserver, namespace: ml}\n"
                + "spec:\n  serviceName: mlserver\n  podManagementPolicy: Parallel\n"
                + "  selector: {matchLabels: {seldon-server-name: mlserver}}\n"
                + "  template:\n    metadata:\n      labels: {app: seldon-server, seldon-server-name: mlserver}\n"
                + "    spec:\n      containers:\n"
                + "        - {name: rclone, image: 'rclone:latest', args: [rcd, --rc-no-auth], volumeMounts: [{mountPath: /mnt/agent, name: mlserver-models}, {name: config-volume, mountPath: /mnt/config}]}\n"
                + "        - {name: agent, image: 'agent:latest', volumeMounts: [{mountPath: /mnt/agent, name: mlserver-models}, {name: config-volume, mountPath: /mnt/config}]}\n"
                + "        - {name: mlserver, image: 'mlserver:latest', volumeMounts: [{mountPath: /mnt/agent, name: mlserver-models, readOnly: true}]}\n"
                + "      volumes:\n        - {name: config-volume, configMap: {name: seldon-agent}}\n"
                + "  volumeClaimTemplates:\n"
                + "    - metadata: {name: mlserver-models}\n"
                + "      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n");

    AdmissionOutcome o = harness.mutateThenValidate(set);

    // Before, "no volume named mlserver-models"; now the real reason: rclone and the agent write
    // the models the server loads.
    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .doesNotContain("MODEL_VOLUME_NOT_MOUNTED")
        .contains("container 'rclone' mounts model volume 'mlserver-models' writable")
        .contains("container 'agent' mounts model volume 'mlserver-models' writable")
        .doesNotContain("container 'mlserver' mounts");
  }

  @Test
  void aPvcModelOnAPerReplicaClaimIsToldToDeclareTheTemplateVolume() throws Exception {
    policy(
        "  declaredModels:\n    - name: phi-4\n      uri: pvc://model-weights-volume-phi-4-0/phi-4\n"
            + "      workloadSelector: {matchLabels: {kaito.sh/workspace: phi-4}}\n");

    AdmissionOutcome o = harness.mutateThenValidate(kaito(KAITO_MOUNT, ""));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains(
            "MODEL_VOLUME_NOT_MOUNTED: the pod mounts no volume for pvc://model-weights-volume-phi-4-0/phi-4: claim model-weights-volume-phi-4-0 is one of the per-replica claims of volumeClaimTemplates 'model-weights-volume'")
        .contains("declare it as volume://model-weights-volume/phi-4");
  }

  @Test
  void aClaimTemplateReplacesATemplateVolumeOfTheSameName() throws Exception {
    policy(
        "  declaredModels:\n    - name: phi-4\n      uri: volume://model-weights-volume/phi-4\n"
            + "      workloadSelector: {matchLabels: {kaito.sh/workspace: phi-4}}\n");
    ObjectNode set =
        (ObjectNode) kaito("{name: model-weights-volume, mountPath: /workspace/weights}", "");
    // An emptyDir of the template's name: the controller drops it for the claim, so the claim's
    // path binding applies (the pod mounts the claim root, outside 'phi-4').
    ((ArrayNode) set.at("/spec/template/spec/volumes"))
        .addObject()
        .put("name", "model-weights-volume")
        .putObject("emptyDir");

    AdmissionOutcome o = harness.mutateThenValidate(set);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains(
            "container 'phi-4' mounts claim model-weights-volume-phi-4-<ordinal> (volume 'model-weights-volume') at its root");
  }

  @Test
  void volumesAfterTheClaimTemplatesKeepTheirFieldIndex() throws Exception {
    ObjectNode set = (ObjectNode) kaito(KAITO_MOUNT, "");
    ((ArrayNode) set.at("/spec/template/spec/volumes"))
        .addObject()
        .put("name", "draft")
        .putObject("image")
        .put("reference", "registry.example/models/draft:v1");

    Workload w = new WorkloadInspector().inspect("StatefulSet", "ml", "phi-4", set);

    assertThat(w.models()).hasSize(1);
    assertThat(w.models().get(0).field())
        .isEqualTo("spec.template.spec.volumes[2].image.reference");
  }

  /** A NIMService's Deployment: the model claim mounted through a read-only claim volume. */
  private static JsonNode nim(String claimReadOnly, String extraVolumes, String extraInit)
      throws Exception {
    return YAML.readTree(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: meta-llama3-8b-instruct, namespace: ml}\n"
            + "spec:\n  template:\n    metadata:\n      labels: {app: meta-llama3-8b-instruct, app.kubernetes.io/managed-by: k8s-nim-operator}\n"
            + "    spec:\n"
            + extraInit
            + "      containers:\n"
            + "        - name: meta-llama3-8b-instruct-ctr\n          image: nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3\n"
            + "          env: [{name: NIM_CACHE_PATH, value: /model-store}]\n"
            + "          volumeMounts: [{name: model-store, mountPath: /model-store}, {name: dshm, mountPath: /dev/shm}]\n"
            + "      volumes:\n        - {name: dshm, emptyDir: {medium: Memory}}\n"
            + "        - {name: model-store, persistentVolumeClaim: {claimName: meta-llama3-8b-instruct-pvc"
            + claimReadOnly
            + "}}\n"
            + extraVolumes);
  }

  private static final String NIM_POLICY =
      "  declaredModels:\n    - name: llama\n      uri: pvc://meta-llama3-8b-instruct-pvc\n"
          + "      workloadSelector: {matchLabels: {app: meta-llama3-8b-instruct}}\n"
          + "  verification: {requireReadOnlyMounts: true}\n";

  @Test
  void nimServiceReadOnlyClaimSatisfiesRequireReadOnlyMounts() throws Exception {
    policy(NIM_POLICY);

    AdmissionOutcome o = harness.mutateThenValidate(nim(", readOnly: true", "", ""));

    assertThat(o.allowed()).as(o.message()).isTrue();
    assertThat(o.modelsFound()).isEqualTo(1);
  }

  @Test
  void nimServiceWritableClaimIsDenied() throws Exception {
    policy(NIM_POLICY);

    AdmissionOutcome o = harness.mutateThenValidate(nim("", "", ""));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains(
            "MODEL_MOUNT_WRITABLE: container 'meta-llama3-8b-instruct-ctr' mounts model volume 'model-store' writable");
  }

  @Test
  void theFlagHoldsForItsVolumeOnlyNotForASecondVolumeOnTheSameClaim() throws Exception {
    policy(NIM_POLICY);
    JsonNode d =
        nim(
            ", readOnly: true",
            "        - {name: again, persistentVolumeClaim: {claimName: meta-llama3-8b-instruct-pvc}}\n",
            "");
    ((ArrayNode) d.at("/spec/template/spec/containers"))
        .addObject()
        .put("name", "rewriter")
        .put("image", "busybox")
        .putArray("volumeMounts")
        .addObject()
        .put("name", "again")
        .put("mountPath", "/rw");

    AdmissionOutcome o = harness.mutateThenValidate(d);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("container 'rewriter' mounts model volume 'again' writable")
        .doesNotContain("container 'meta-llama3-8b-instruct-ctr' mounts");
  }

  @Test
  void anInitContainerOnAReadOnlyClaimIsAReaderSoTheVerifierRunsBeforeIt() throws Exception {
    policy(NIM_POLICY);
    JsonNode d =
        nim(
            ", readOnly: true",
            "",
            "      initContainers:\n"
                + "        - {name: list-profiles, image: 'nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3', command: [list-model-profiles], volumeMounts: [{name: model-store, mountPath: /model-store}]}\n");

    AdmissionOutcome mutate = harness.review(d, true);
    JsonNode patched = AdmissionHarness.patched(mutate, d);
    AdmissionOutcome validated = harness.review(patched, false);

    // Without the flag read, this container would count as a writer and run before the verifier,
    // reading the model unverified.
    assertThat(patched.at("/spec/template/spec/initContainers/0/name").asText())
        .isEqualTo("modelgate-verify-llama");
    assertThat(validated.allowed()).as(validated.message()).isTrue();
  }
}
