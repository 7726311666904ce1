package dev.modelgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Pods and Deployments shaped as serving stacks write them, each from its source:
 *
 * <ul>
 *   <li>KServe huggingfaceserver: kserve/kserve config/runtimes/kserve-huggingfaceserver.yaml at
 *       0a9dd8d08a6569aa8bd6bda4cc8c6f09d3244a2f ({@code kserve-container}, args {@code
 *       --model_name={{.Name}}}), KServe's pod mutator adding {@code --model_dir=/mnt/models} and
 *       the storage-initializer ({@link KServePods}); python/huggingfaceserver/huggingfaceserver/
 *       __main__.py at 00397f1e8077bc9d5b386d6dee90b3ccb2828752 ({@code --model_id} is served
 *       instead of {@code --model_dir} when set);
 *   <li>Triton in KServe: config/runtimes/kserve-tritonserver.yaml at
 *       03451632fd19d864eceab05869cc83b3fdd84157 ({@code args: [tritonserver,
 *       --model-store=/mnt/models, …]}, no command);
 *   <li>vLLM production-stack: vllm-project/production-stack
 *       helm/templates/deployment-vllm-multi.yaml at a6c01db05f65f556235413ba8dbcfb0c01132fff
 *       ({@code command: [vllm, serve, <modelURL>, --host, 0.0.0.0, --port, …]}, the LoRA {@code
 *       sidecar} container with {@code LORA_DOWNLOAD_BASE_DIR}),
 *       operator/internal/controller/vllmruntime_controller.go ({@code
 *       VLLM_ALLOW_RUNTIME_LORA_UPDATING=True} when LoRA is enabled);
 *   <li>AIBrix: vllm-project/aibrix samples/adapter/base.yaml at
 *       e3e10f9e4aebe9aac5e7d992fb87d2648e01628b ({@code vllm serve --model Qwen/… --enable-lora},
 *       {@code VLLM_ALLOW_RUNTIME_LORA_UPDATING: "True"}, the {@code aibrix-runtime} sidecar
 *       running {@code aibrix_runtime});
 *   <li>TGI: huggingface/text-generation-inference Dockerfile at
 *       db931fcf42da018a3657580c64bf2720f167f9ab ({@code ENTRYPOINT ["/tgi-entrypoint.sh"]}, which
 *       execs {@code text-generation-launcher $@}), so pods pass only args or {@code MODEL_ID};
 *   <li>SGLang: {@code python3 -m sglang.launch_server --model-path …} (python/sglang/srt/
 *       server_args.py at 469c63e54e7d94591617ef9590c6aa26d54dc1bb);
 *   <li>llama.cpp server: the {@code server} image's entrypoint is {@code llama-server}; pods pass
 *       {@code -m}/{@code -hf} (common/arg.cpp at 145b6280d6aa1890e22457143dad0badb3fd6820).
 * </ul>
 */
public final class ServingPods {
  private static final YAMLMapper YAML = new YAMLMapper();

  private ServingPods() {}

  /** KServe huggingfaceserver Pod after the storage initializer, with the runtime's own args. */
  public static ObjectNode kserveHuggingface(String storageUri, String... extraArgs) {
    ObjectNode pod = KServePods.afterStorageInitializer(storageUri);
    ArrayNode args = ((ObjectNode) pod.at("/spec/containers/0")).putArray("args");
    args.add("--model_name=llama").add("--model_dir=/mnt/models");
    for (String a : extraArgs) {
      args.add(a);
    }
    return pod;
  }

  /** KServe's Triton runtime Pod after the storage initializer. */
  public static ObjectNode kserveTriton(String storageUri, String repository) {
    ObjectNode pod = KServePods.afterStorageInitializer(storageUri);
    ArrayNode args = ((ObjectNode) pod.at("/spec/containers/0")).putArray("args");
    args.add("tritonserver")
        .add("--model-store=" + repository)
        .add("--grpc-port=9000")
        .add("--http-port=8080")
        .add("--allow-grpc=true")
        .add("--allow-http=true");
    return pod;
  }

  /** A production-stack vLLM Deployment: {@code vllm serve <model>} plus {@code extra} args. */
  public static JsonNode productionStackVllm(String model, String volumesYaml, String... extra) {
    StringBuilder cmd =
        new StringBuilder("[vllm, serve, '" + model + "', --host, 0.0.0.0, --port, '8000'");
    for (String e : extra) {
      cmd.append(", '").append(e).append("'");
    }
    cmd.append("]");
    return deployment(
        "vllm-llama",
        "{app: vllm}",
        "    - name: vllm\n      image: vllm/vllm-openai:v0.10.0\n      command: "
            + cmd
            + "\n"
            + volumesYaml);
  }

  /** AIBrix's adapter sample: vLLM with runtime LoRA updating and the aibrix-runtime sidecar. */
  public static JsonNode aibrixAdapters() {
    return deployment(
        "qwen-coder-1-5b-instruct",
        "{model.aibrix.ai/name: qwen-coder-1-5b-instruct, adapter.model.aibrix.ai/enabled: 'true'}",
        "    - name: vllm-openai\n"
            + "      image: vllm/vllm-openai:v0.24.0\n"
            + "      command: [vllm, serve, --host, 0.0.0.0, --port, '8000', --uvicorn-log-level, warning,"
            + " --model, /models/qwen, --served-model-name, qwen-coder-1-5b-instruct, --enable-lora,"
            + " --max-loras, '4', --max-cpu-loras, '4']\n"
            + "      env:\n"
            + "        - {name: VLLM_ALLOW_RUNTIME_LORA_UPDATING, value: 'True'}\n"
            + "        - {name: VLLM_LORA_MODULES_LOADING_TIMEOUT, value: '300'}\n"
            + "        - name: HF_TOKEN\n"
            + "          valueFrom: {secretKeyRef: {name: hf-token, key: token, optional: true}}\n"
            + "      volumeMounts:\n"
            + "        - {name: adapter-storage, mountPath: /tmp/aibrix/adapters}\n"
            + "        - {name: weights, mountPath: /models, readOnly: true}\n"
            + "    - name: aibrix-runtime\n"
            + "      image: aibrix/runtime:v0.7.0\n"
            + "      command: [aibrix_runtime, --port, '8080']\n"
            + "      env:\n"
            + "        - {name: INFERENCE_ENGINE, value: vllm}\n"
            + "        - {name: INFERENCE_ENGINE_ENDPOINT, value: 'http://localhost:8000'}\n"
            + "      volumeMounts:\n"
            + "        - {name: adapter-storage, mountPath: /tmp/aibrix/adapters}\n"
            + "    volumes:\n"
            + "      - {name: adapter-storage, emptyDir: {}}\n"
            + "      - {name: weights, image: {reference: 'registry.example.com/models/qwen:1'}}\n");
  }

  /** A TGI Deployment: the image's entrypoint, {@code args} and {@code env} as given. */
  public static JsonNode tgi(String argsYaml, String envYaml, String volumesYaml) {
    return deployment(
        "tgi",
        "{app: tgi}",
        "    - name: tgi\n      image: ghcr.io/huggingface/text-generation-inference:3.3.5\n"
            + (argsYaml.isEmpty() ? "" : "      args: " + argsYaml + "\n")
            + (envYaml.isEmpty() ? "" : "      env: " + envYaml + "\n")
            + volumesYaml);
  }

  /**
   * A Deployment whose pod spec is given as YAML written two spaces shallower than it lands:
   * containers as " - name: …" (their fields at six spaces), other spec fields as " volumes:" with
   * entries at six.
   */
  public static JsonNode deployment(String name, String labels, String containersYaml) {
    String yaml =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: "
            + name
            + ", namespace: ml}\nspec:\n  template:\n    metadata:\n      labels: "
            + labels
            + "\n    spec:\n      containers:\n"
            + indent(containersYaml);
    try {
      return YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The template's containers are at six spaces; the callers write them at four. */
  private static String indent(String yaml) {
    StringBuilder out = new StringBuilder();
    for (String line : yaml.split("\n", -1)) {
      out.append(line.isEmpty() ? "" : "  " + line).append("\n");
    }
    return out.toString().replaceAll("\n+$", "\n");
  }

  /** The model names an inspected workload's runtime arguments added, for assertions. */
  public static List<String> names(List<dev.modelgate.source.ModelReference> models) {
    return models.stream().map(dev.modelgate.source.ModelReference::name).toList();
  }
}
