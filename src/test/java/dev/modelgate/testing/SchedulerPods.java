package dev.modelgate.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The LLMInferenceService scheduler (the llm-d endpoint picker) as KServe's controller builds it,
 * from kserve/kserve at commit aaac4e294dae2c7b1aa1886447793f3aa1c30912:
 * pkg/controller/v1alpha2/llmisvc/scheduler.go (expectedSchedulerDeployment, SchedulerLabels; the
 * {@code tokenizer} container, whose model path is {@code /mnt/models/base}) and
 * workload_storage.go (attachHfModelArtifact / attachS3ModelArtifact → attachStorageInitializer: a
 * {@code storage-initializer} init container with args {@code [URI, /mnt/models]},
 * pkg/utils/storage.go CreateInitContainerWithConfig, the {@code kserve-provision-location}
 * emptyDir mounted writable there and read-only in {@code tokenizer}; AddDefaultHuggingFaceEnvVars
 * for hf://; and, because the container is the tokenizer, {@code tokenizerOnlyDownload}:
 * STORAGE_ALLOW_PATTERNS with the tokenizer and config files as a JSON array).
 */
public final class SchedulerPods {
  /** workload_storage.go tokenizerOnlyDownload's value, verbatim. */
  public static final String TOKENIZER_ONLY =
      "[\"tokenizer.json\", \"tokenizer_config.json\", \"special_tokens_map.json\", \"vocab.json\", \"merges.txt\", \"config.json\", \"generation_config.json\"]";

  static final ObjectMapper JSON = new ObjectMapper();

  private SchedulerPods() {}

  /** The scheduler Deployment for an LLMInferenceService named llama whose model is {@code uri}. */
  public static ObjectNode deployment(String uri) {
    ObjectNode d = JSON.createObjectNode();
    d.put("apiVersion", "apps/v1").put("kind", "Deployment");
    ObjectNode meta = d.putObject("metadata");
    meta.put("name", "llama-kserve-router-scheduler").put("namespace", "ml");
    labels(meta.putObject("labels"));
    ObjectNode spec = d.putObject("spec");
    spec.putObject("strategy").put("type", "Recreate");
    labels(spec.putObject("selector").putObject("matchLabels"));
    ObjectNode template = spec.putObject("template");
    labels(template.putObject("metadata").putObject("labels"));
    podSpec(template.putObject("spec"), uri);
    return d;
  }

  /** A Pod of that Deployment, as the API server receives it from the ReplicaSet controller. */
  public static ObjectNode pod(String uri) {
    ObjectNode p = JSON.createObjectNode();
    p.put("apiVersion", "v1").put("kind", "Pod");
    ObjectNode meta = p.putObject("metadata");
    meta.put("name", "llama-kserve-router-scheduler-7c9f-x2x4q").put("namespace", "ml");
    labels(meta.putObject("labels"));
    podSpec(p.putObject("spec"), uri);
    return p;
  }

  /** The storage-initializer of {@code podSpec}. */
  public static ObjectNode initializer(ObjectNode podSpec) {
    for (var c : podSpec.withArray("initContainers")) {
      if ("storage-initializer".equals(c.path("name").asText())) {
        return (ObjectNode) c;
      }
    }
    throw new IllegalArgumentException("no storage-initializer");
  }

  /** SchedulerLabels. */
  private static void labels(ObjectNode l) {
    l.put("app.kubernetes.io/component", "llminferenceservice-router-scheduler")
        .put("app.kubernetes.io/name", "llama")
        .put("app.kubernetes.io/part-of", "llminferenceservice");
  }

  private static void podSpec(ObjectNode spec, String uri) {
    ArrayNode containers = spec.putArray("containers");
    ObjectNode main = containers.addObject();
    main.put("name", "main").put("image", "ghcr.io/llm-d/llm-d-inference-scheduler:v0.3.0");
    main.putArray("args")
        .add("--pool-name")
        .add("llama-inference-pool")
        .add("--grpc-port")
        .add("9002");
    ObjectNode tokenizer = containers.addObject();
    tokenizer.put("name", "tokenizer").put("image", "ghcr.io/llm-d/llm-d-uds-tokenizer:v0.3.0");
    KServePods.addMount(tokenizer, "kserve-provision-location", "/mnt/models/base", "", true);
    ObjectNode init = spec.putArray("initContainers").addObject();
    init.put("name", "storage-initializer").put("image", "kserve/storage-initializer:v0.16.0");
    init.putArray("args").add(uri).add("/mnt/models");
    init.put("terminationMessagePolicy", "FallbackToLogsOnError");
    ObjectNode res = init.putObject("resources");
    res.putObject("limits").put("cpu", "1").put("memory", "1Gi");
    res.putObject("requests").put("cpu", "100m").put("memory", "100Mi");
    ArrayNode env = init.putArray("env");
    if (uri.startsWith("hf://")) {
      env.addObject().put("name", "HF_HUB_ENABLE_HF_TRANSFER").put("value", "1");
      env.addObject().put("name", "HF_XET_HIGH_PERFORMANCE").put("value", "1");
      env.addObject().put("name", "HF_XET_NUM_CONCURRENT_RANGE_GETS").put("value", "8");
    }
    env.addObject().put("name", "STORAGE_ALLOW_PATTERNS").put("value", TOKENIZER_ONLY);
    KServePods.addMount(init, "kserve-provision-location", "/mnt/models", "", false);
    spec.putArray("volumes")
        .addObject()
        .put("name", "kserve-provision-location")
        .putObject("emptyDir");
  }
}
