package dev.modelgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Pods and pod templates shaped exactly as KServe builds them, from its source at kserve/kserve
 * commit aaac4e294dae2c7b1aa1886447793f3aa1c30912:
 *
 * <ul>
 *   <li>pkg/webhook/admission/pod/storage_initializer_injector.go (InjectStorageInitializer,
 *       CommonStorageInitialization): the legacy single {@code storageUri} on the Pod, with the
 *       {@code internal.serving.kserve.io/storage-initializer-sourceuri} annotation, a {@code
 *       storage-initializer} init container with args {@code [URI, /mnt/models]}, the {@code
 *       kserve-provision-location} emptyDir mounted writable there and read-only
 *       (GetStorageInitializerReadOnlyFlag: default true) in {@code kserve-container}; for {@code
 *       pvc://} the {@code kserve-pvc-source} claim volume with the path as subPath; for
 *       LocalModelCache pods the {@code pvc://<pvc>/models/<GetStorageKey>/<sub>} rewrite;
 *   <li>the same function's multi-{@code storageUris} branch: one initializer with {@code URI PATH}
 *       pairs, one emptyDir named after the common parent path (FindCommonParentPath,
 *       GetVolumeNameFromPath), claims mounted whole at their mount path;
 *   <li>pkg/webhook/admission/pod/oci_fetch.go: {@code oci+fetch://} as an {@code oci://} pair of
 *       the initializer, on a volume named after the model path;
 *   <li>pkg/utils/storage.go (ConfigureModelcarToContainer, ModelcarNames): {@code modelcar},
 *       {@code modelcar-init} and their {@code -N} siblings, sharing the image;
 *   <li>pkg/credentials/service_account_credentials.go (CreateStorageSpecSecretEnvs): a {@code
 *       storage: {key, path}} spec, annotated {@code <scheme-placeholder>://path}, whose
 *       initializer args are rewritten to {@code s3://bucket/path}.
 * </ul>
 */
public final class KServePods {
  public static final String SOURCE_URI =
      "internal.serving.kserve.io/storage-initializer-sourceuri";
  static final ObjectMapper JSON = new ObjectMapper();

  private KServePods() {}

  /**
   * An InferenceService predictor Pod as the API server receives it before KServe's pod mutator.
   */
  public static ObjectNode predictorPod(String storageUri) {
    ObjectNode pod = JSON.createObjectNode();
    pod.put("apiVersion", "v1").put("kind", "Pod");
    ObjectNode meta = pod.putObject("metadata");
    meta.put("name", "llama-predictor-00001-deployment-abc").put("namespace", "ml");
    meta.putObject("labels")
        .put("serving.kserve.io/inferenceservice", "llama")
        .put("component", "predictor");
    meta.putObject("annotations").put(SOURCE_URI, storageUri);
    ObjectNode spec = pod.putObject("spec");
    ObjectNode c = spec.putArray("containers").addObject();
    c.put("name", "kserve-container").put("image", "kserve/huggingfaceserver:v0.15.0");
    c.putArray("args").add("--model_dir=/mnt/models");
    return pod;
  }

  /**
   * The Pod after InjectStorageInitializer for a download scheme (s3, gs, hf, https, azure, ...).
   */
  public static ObjectNode afterStorageInitializer(String storageUri) {
    ObjectNode pod = predictorPod(storageUri);
    ObjectNode spec = (ObjectNode) pod.get("spec");
    ObjectNode init = storageInitializer(spec, List.of(storageUri, "/mnt/models"));
    addMount(init, "kserve-provision-location", "/mnt/models", "", false);
    addMount(
        container(spec, "kserve-container"), "kserve-provision-location", "/mnt/models", "", true);
    emptyDir(spec, "kserve-provision-location");
    return pod;
  }

  /** A storage spec: the annotation carries the placeholder, the initializer the rewritten URI. */
  public static ObjectNode afterStorageSpec(String bucket, String path) {
    ObjectNode pod = afterStorageInitializer("s3://" + bucket + "/" + path);
    ObjectNode ann = (ObjectNode) pod.at("/metadata/annotations");
    ann.put(SOURCE_URI, "<scheme-placeholder>://" + path);
    ann.put("internal.serving.kserve.io/storage-spec", "true");
    ann.put("internal.serving.kserve.io/storage-spec-key", "localMinIO");
    ObjectNode env = ((ArrayNode) pod.at("/spec/initContainers/0").withArray("env")).addObject();
    env.put("name", "STORAGE_CONFIG")
        .putObject("valueFrom")
        .putObject("secretKeyRef")
        .put("name", "storage-config")
        .put("key", "localMinIO");
    return pod;
  }

  /**
   * oci+fetch://: the initializer pulls the image's model layers into a volume named after the
   * path.
   */
  public static ObjectNode afterOciFetch(String image) {
    ObjectNode pod = predictorPod("oci+fetch://" + image);
    ObjectNode spec = (ObjectNode) pod.get("spec");
    ObjectNode init = storageInitializer(spec, List.of("oci://" + image, "/mnt/models"));
    addMount(init, "mnt-models", "/mnt/models", "", false);
    addMount(container(spec, "kserve-container"), "mnt-models", "/mnt/models", "", false);
    emptyDir(spec, "mnt-models");
    return pod;
  }

  /**
   * oci:// in modelcar mode (InjectModelcar, ConfigureModelcarToContainer at /mnt/models): the
   * {@code modelcar} sidecar and {@code modelcar-init} run the model image.
   */
  public static ObjectNode afterModelcar(String image) {
    ObjectNode pod = predictorPod("oci://" + image);
    modelcar((ObjectNode) pod.get("spec"), 0, image, "/mnt/models");
    return pod;
  }

  /**
   * oci+native:// (InjectModelcar in native mode, pkg/utils/storage.go
   * ConfigureOciNativeToContainer): an image volume named after the model path, mounted read-only
   * at /mnt/models with subPath models.
   */
  public static ObjectNode afterOciNative(String image) {
    ObjectNode pod = predictorPod("oci+native://" + image);
    ObjectNode spec = (ObjectNode) pod.get("spec");
    addMount(container(spec, "kserve-container"), "mnt-models", "/mnt/models", "models", true);
    ObjectNode v = spec.withArray("volumes").addObject().put("name", "mnt-models");
    v.putObject("image").put("reference", image).put("pullPolicy", "IfNotPresent");
    return pod;
  }

  /** pvc://claim/path: no initializer, the claim mounted with the path as subPath. */
  public static ObjectNode afterPvc(String claim, String path) {
    ObjectNode pod = predictorPod("pvc://" + claim + "/" + path);
    ObjectNode spec = (ObjectNode) pod.get("spec");
    addMount(container(spec, "kserve-container"), "kserve-pvc-source", "/mnt/models", path, true);
    spec.putArray("volumes")
        .addObject()
        .put("name", "kserve-pvc-source")
        .putObject("persistentVolumeClaim")
        .put("claimName", claim);
    return pod;
  }

  /**
   * A LocalModelCache: the source URI stays on the annotation, the pod mounts the node's cache
   * claim.
   */
  public static ObjectNode afterLocalModelCache(
      String cachedUri, String pvcName, String storageKey) {
    ObjectNode pod = predictorPod(cachedUri);
    ((ObjectNode) pod.at("/metadata/labels"))
        .put("internal.serving.kserve.io/localmodel", "llama-cache");
    ((ObjectNode) pod.at("/metadata/annotations"))
        .put("internal.serving.kserve.io/localmodel-sourceuri", cachedUri)
        .put("internal.serving.kserve.io/localmodel-pvc-name", pvcName);
    ObjectNode spec = (ObjectNode) pod.get("spec");
    addMount(
        container(spec, "kserve-container"),
        "kserve-pvc-source",
        "/mnt/models",
        "models/" + storageKey + "/",
        true);
    spec.putArray("volumes")
        .addObject()
        .put("name", "kserve-pvc-source")
        .putObject("persistentVolumeClaim")
        .put("claimName", pvcName);
    return pod;
  }

  /**
   * The multi-{@code storageUris} Deployment the controller writes (no annotation): two downloads
   * under /mnt/models, a claim at /mnt/adapters, and two OCI modelcars.
   */
  public static ObjectNode multiStorageUrisDeployment(
      String download1, String download2, String claim, String image1, String image2) {
    ObjectNode d = JSON.createObjectNode();
    d.put("apiVersion", "apps/v1").put("kind", "Deployment");
    d.putObject("metadata").put("name", "llama-predictor").put("namespace", "ml");
    ObjectNode template = d.putObject("spec").putObject("template");
    template
        .putObject("metadata")
        .putObject("labels")
        .put("serving.kserve.io/inferenceservice", "llama");
    ObjectNode spec = template.putObject("spec");
    ObjectNode app = spec.putArray("containers").addObject();
    app.put("name", "kserve-container").put("image", "kserve/huggingfaceserver:v0.15.0");
    spec.putArray("volumes");
    // CommonStorageInitialization: OCI sources first (ConfigureModelcarToContainer per index) ...
    modelcar(spec, 0, image1, "/opt/base/model");
    modelcar(spec, 1, image2, "/opt/adapter/model");
    // ... then PVCs mounted whole at their mount path ...
    addMount(app, "mnt-adapters", "/mnt/adapters", "", true);
    ((ArrayNode) spec.get("volumes"))
        .addObject()
        .put("name", "mnt-adapters")
        .putObject("persistentVolumeClaim")
        .put("claimName", claim);
    // ... then one initializer for the downloads, on the common parent.
    ObjectNode init =
        storageInitializer(
            spec, List.of(download1, "/mnt/models/base", download2, "/mnt/models/lora"));
    addMount(app, "mnt-models", "/mnt/models", "", true);
    addMount(init, "mnt-models", "/mnt/models", "", false);
    emptyDir(spec, "mnt-models");
    return d;
  }

  /**
   * An LLMInferenceService Deployment (pkg/controller/v1alpha2/llmisvc/workload_storage.go
   * attachStorageInitializer / attachPVCModelArtifact, workload_lora.go attachLoraPVCAdapter): the
   * controller, not the pod webhook, adds the initializer or claim to the template's {@code main}
   * container. {@code modelUri} is a download (initializer) or {@code pvc://}; {@code loraClaim}
   * adds a {@code lora-pvc-adapter} claim.
   */
  public static ObjectNode llmInferenceServiceDeployment(String modelUri, String loraClaim) {
    ObjectNode d = JSON.createObjectNode();
    d.put("apiVersion", "apps/v1").put("kind", "Deployment");
    d.putObject("metadata").put("name", "llama-kserve").put("namespace", "ml");
    ObjectNode template = d.putObject("spec").putObject("template");
    template
        .putObject("metadata")
        .putObject("labels")
        .put("app.kubernetes.io/part-of", "llminferenceservice")
        .put("app.kubernetes.io/name", "llama");
    ObjectNode spec = template.putObject("spec");
    ObjectNode main = spec.putArray("containers").addObject();
    main.put("name", "main").put("image", "ghcr.io/llm-d/llm-d:v0.2.0");
    spec.putArray("volumes");
    if (modelUri.startsWith("pvc://")) {
      String[] parts = modelUri.substring("pvc://".length()).split("/", 2);
      addMount(main, "kserve-pvc-source", "/mnt/models", parts.length > 1 ? parts[1] : "", true);
      ((ArrayNode) spec.get("volumes"))
          .addObject()
          .put("name", "kserve-pvc-source")
          .putObject("persistentVolumeClaim")
          .put("claimName", parts[0]);
    } else {
      ObjectNode init = storageInitializer(spec, List.of(modelUri, "/mnt/models"));
      addMount(init, "kserve-provision-location", "/mnt/models", "", false);
      addMount(main, "kserve-provision-location", "/mnt/models", "", true);
      emptyDir(spec, "kserve-provision-location");
    }
    if (loraClaim != null) {
      addMount(main, "lora-pvc-adapter", "/mnt/lora/adapter", "adapters/sql", true);
      ((ArrayNode) spec.get("volumes"))
          .addObject()
          .put("name", "lora-pvc-adapter")
          .putObject("persistentVolumeClaim")
          .put("claimName", loraClaim);
    }
    return d;
  }

  private static void modelcar(ObjectNode spec, int index, String image, String modelPath) {
    String suffix = index == 0 ? "" : "-" + index;
    String volume = "kserve-provision-location" + suffix;
    String parent = modelPath.substring(0, modelPath.lastIndexOf('/'));
    addMount(container(spec, "kserve-container"), volume, parent, "", false);
    emptyDir(spec, volume);
    ObjectNode car = ((ArrayNode) spec.get("containers")).addObject();
    car.put("name", "modelcar" + suffix).put("image", image);
    addMount(car, volume, parent, "", false);
    car.putArray("args")
        .add("sh")
        .add("-c")
        .add(
            "mkdir -p "
                + parent
                + " && ln -sf /proc/$$$$/root/models "
                + modelPath
                + " && sleep infinity");
    car.put("terminationMessagePolicy", "FallbackToLogsOnError");
    ObjectNode init = spec.withArray("initContainers").addObject();
    init.put("name", "modelcar-init" + suffix).put("image", image);
    init.putArray("args")
        .add("sh")
        .add("-c")
        .add("echo 'Pre-fetching modelcar " + image + ": ' && [ -d /models ]");
    init.put("terminationMessagePolicy", "FallbackToLogsOnError");
    spec.put("shareProcessNamespace", true);
  }

  /** pkg/utils/storage.go CreateInitContainerWithConfig, appended to the init containers. */
  private static ObjectNode storageInitializer(ObjectNode spec, List<String> args) {
    ObjectNode init = spec.withArray("initContainers").addObject();
    init.put("name", "storage-initializer").put("image", "kserve/storage-initializer:latest");
    ArrayNode a = init.putArray("args");
    args.forEach(a::add);
    init.put("terminationMessagePolicy", "FallbackToLogsOnError");
    ObjectNode res = init.putObject("resources");
    res.putObject("limits").put("cpu", "1").put("memory", "1Gi");
    res.putObject("requests").put("cpu", "100m").put("memory", "100Mi");
    return init;
  }

  public static ObjectNode container(ObjectNode spec, String name) {
    for (JsonNode c : spec.withArray("containers")) {
      if (name.equals(c.path("name").asText())) {
        return (ObjectNode) c;
      }
    }
    throw new IllegalArgumentException("no container " + name);
  }

  public static void addMount(
      ObjectNode container, String volume, String mountPath, String subPath, boolean readOnly) {
    ObjectNode m = container.withArray("volumeMounts").addObject();
    m.put("name", volume).put("mountPath", mountPath);
    if (!subPath.isEmpty()) {
      m.put("subPath", subPath);
    }
    if (readOnly) {
      m.put("readOnly", true);
    }
  }

  private static void emptyDir(ObjectNode spec, String name) {
    spec.withArray("volumes").addObject().put("name", name).putObject("emptyDir");
  }
}
