package dev.modelgate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.admission.runtimeargs.ServingRuntime;
import dev.modelgate.admission.serving.ServingComponent;
import dev.modelgate.admission.serving.ServingInspector;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelUri;
import dev.modelgate.source.Placement;
import dev.modelgate.testing.KServePods;
import dev.modelgate.testing.SchedulerPods;
import dev.modelgate.testing.ServingPods;
import dev.modelgate.testing.ServingResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The table of model sources in docs/model-sources.md (and its copy in README.md) says what the
 * inspector does: every row has an example here, inspected, and verified where the row says; no
 * example lacks its row.
 */
class ModelSourcesTableTest {
  static final String START = "<!-- model-sources-table -->";
  static final String END = "<!-- /model-sources-table -->";

  record Example(JsonNode object, Predicate<ModelReference> model, List<ModelReference> declared) {
    Example(JsonNode object, Predicate<ModelReference> model) {
      this(object, model, List.of());
    }
  }

  static Map<String, Example> examples() throws Exception {
    Map<String, Example> e = new LinkedHashMap<>();
    Predicate<ModelReference> any = m -> true;
    e.put(
        "OCI image volume",
        new Example(
            pod(
                "",
                "  volumes: [{name: w, image: {reference: 'registry.example.com/models/llama:1'}}]\n"),
            any));
    e.put(
        "ModelPack CSI volume (`model.csi.modelpack.org`)",
        new Example(
            pod(
                "",
                "  volumes: [{name: w, csi: {driver: model.csi.modelpack.org, volumeAttributes: {model.csi.modelpack.org/reference: 'registry.example.com/models/llama:1'}}}]\n"),
            m -> m.uri().toString().equals("oci://registry.example.com/models/llama:1")));
    e.put(
        "ModelPack CSI volume without a reference (the driver's dynamic root)",
        new Example(
            pod("", "  volumes: [{name: w, csi: {driver: model.csi.modelpack.org}}]\n"),
            m -> m.uri().toString().equals("modelpack-dynamic://w")));
    e.put(
        "Annotated `oci://` model",
        new Example(
            pod("model.modelgate.dev/llm: 'oci://registry.example.com/models/llama:1'", ""), any));
    e.put(
        "Annotated `file://` model (embedded mode)",
        new Example(pod("model.modelgate.dev/llm: 'file:///models/llama'", ""), any));
    e.put(
        "Annotated `pvc://claim/path` model",
        new Example(
            pod(
                "model.modelgate.dev/llm: 'pvc://store/llama'",
                "  volumes: [{name: w, persistentVolumeClaim: {claimName: store}}]\n"),
            any));
    e.put(
        "Annotated `volume://volume/path` model",
        new Example(
            pod(
                "model.modelgate.dev/llm: 'volume://w/llama'",
                "  volumes: [{name: w, emptyDir: {}}]\n"),
            any));
    e.put(
        "Annotated `volume://` model on a StatefulSet claim template",
        new Example(
            new YAMLMapper()
                .readTree(
                    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s, namespace: ml}\n"
                        + "spec:\n  template:\n    metadata:\n      annotations: {model.modelgate.dev/llm: 'volume://weights/llama'}\n"
                        + "    spec:\n      containers: [{name: server, image: server, volumeMounts: [{name: weights, mountPath: /w, readOnly: true}]}]\n"
                        + "  volumeClaimTemplates: [{metadata: {name: weights}}]\n"),
            any));
    e.put(
        "Annotated download (`s3://`, `hf://`, … as a model annotation)",
        new Example(pod("model.modelgate.dev/llm: 's3://bucket/llama'", ""), any));
    e.put(
        "KServe `s3://` storageUri",
        new Example(KServePods.afterStorageInitializer("s3://bucket/llama"), any));
    e.put(
        "KServe `gs://` storageUri",
        new Example(KServePods.afterStorageInitializer("gs://bucket/llama"), any));
    e.put(
        "KServe `hf://` storageUri",
        new Example(KServePods.afterStorageInitializer("hf://meta-llama/Meta-Llama-3-8B"), any));
    e.put(
        "KServe `https://` storageUri (file or archive)",
        new Example(
            KServePods.afterStorageInitializer("https://models.example.com/llama.tar.gz"), any));
    e.put(
        "KServe Azure blob / file share storageUri",
        new Example(
            KServePods.afterStorageInitializer("https://acct.blob.core.windows.net/models/llama"),
            any));
    e.put(
        "KServe `hdfs://` / `webhdfs://` storageUri",
        new Example(KServePods.afterStorageInitializer("hdfs://namenode/models/llama"), any));
    e.put(
        "KServe download restricted by `STORAGE_ALLOW_PATTERNS` (the LLMInferenceService scheduler's tokenizer-only download)",
        new Example(
            SchedulerPods.pod("hf://meta-llama/Llama-3.1-8B-Instruct"),
            m -> m.placement().selection().isPresent()));
    ObjectNode fromConfigMap = SchedulerPods.pod("s3://bucket/llama");
    ObjectNode patterns = (ObjectNode) fromConfigMap.at("/spec/initContainers/0/env/0");
    patterns.remove("value");
    patterns.putObject("valueFrom").putObject("configMapKeyRef").put("name", "p").put("key", "k");
    e.put(
        "KServe download restricted by `STORAGE_ALLOW_PATTERNS` from `valueFrom` or with `$(VAR)`",
        new Example(fromConfigMap, any));
    e.put(
        "KServe `oci+fetch://` storageUri",
        new Example(KServePods.afterOciFetch("registry.example.com/models/llama:1"), any));
    e.put(
        "KServe storage spec (`storage: {key, path}`)",
        new Example(KServePods.afterStorageSpec("bucket", "llama"), any));
    JsonNode multi =
        KServePods.multiStorageUrisDeployment(
            "s3://b/base", "hf://org/lora", "adapters", "r.example.com/a:1", "r.example.com/b:1");
    e.put(
        "KServe multi-model `storageUris` downloads",
        new Example(multi, m -> m.uri().toString().equals("hf://org/lora")));
    e.put(
        "KServe multi-model `storageUris` claims",
        new Example(multi, m -> m.name().equals("mnt-adapters")));
    e.put(
        "KServe `pvc://` storageUri on the Pod",
        new Example(KServePods.afterPvc("store", "llama"), any));
    e.put(
        "KServe `pvc://` storageUri on a Deployment",
        new Example(deployment(KServePods.predictorPod("pvc://store/llama")), any));
    e.put(
        "KServe download storageUri on a Deployment",
        new Example(deployment(KServePods.predictorPod("s3://bucket/llama")), any));
    e.put(
        "KServe LocalModelCache",
        new Example(
            KServePods.afterLocalModelCache(
                "hf://org/llama", "cache-pvc", KServeModels.storageKey("hf://org/llama")),
            any));
    ObjectNode modelcar = KServePods.predictorPod("x");
    ((ObjectNode) modelcar.at("/metadata/annotations")).removeAll();
    ((ArrayNode) modelcar.at("/spec/containers"))
        .addObject()
        .put("name", "modelcar")
        .put("image", "registry.example.com/models/llama:1");
    e.put("KServe modelcar (`oci://`)", new Example(modelcar, m -> m.name().equals("modelcar")));
    e.put(
        "KServe `oci://` storageUri annotation",
        new Example(KServePods.predictorPod("oci://registry.example.com/models/llama:1"), any));
    e.put(
        "KServe `oci+native://` storageUri",
        new Example(KServePods.afterOciNative("registry.example.com/models/llama:1"), any));
    e.put(
        "KServe download storageUri on a Pod without its initializer",
        new Example(KServePods.predictorPod("s3://bucket/llama"), any));
    ObjectNode agent = KServePods.predictorPod("x");
    ((ObjectNode) agent.at("/metadata/annotations")).removeAll();
    ((ArrayNode) agent.at("/spec/containers"))
        .addObject()
        .put("name", "agent")
        .put("image", "kserve/agent")
        .putArray("args")
        .add("--enable-puller");
    e.put(
        "KServe model agent (TrainedModels)",
        new Example(agent, m -> m.name().equals("kserve-agent")));
    runtimeExamples(e);
    e.put(
        "Server outside the runtime table that fetches its own model (Ollama, custom entrypoints)",
        new Example(
            deployment(
                new YAMLMapper()
                    .readTree(
                        "spec:\n  containers: [{name: ollama, image: ollama/ollama, args: [serve]}]\n")),
            any));
    String oci = "oci://registry.example.com/models/llama:1";
    String digest = "oci://registry.example.com/models/llama@sha256:" + "a".repeat(64);
    e.put(
        "InferenceService `oci://` storageUri",
        new Example(ServingResources.tree(ServingResources.inferenceService(oci)), any));
    e.put(
        "InferenceService download, `pvc://` or `oci+fetch://` storageUri",
        new Example(
            ServingResources.tree(ServingResources.sklearnInferenceService("s3://bucket/iris")),
            any));
    e.put(
        "InferenceService storage spec (`storage: {key, path}`)",
        new Example(
            ServingResources.tree(
                ServingResources.storageSpecInferenceService("localMinIO", "sklearn/iris")),
            any));
    e.put(
        "LLMInferenceService `oci://` model",
        new Example(ServingResources.tree(ServingResources.llmInferenceService(oci)), any));
    e.put(
        "LLMInferenceService `hf://`, `s3://` or `pvc://` model and LoRA adapters",
        new Example(
            ServingResources.tree(
                ServingResources.llmInferenceService(
                    "hf://meta-llama/Llama-3.2-1B", "sql", "s3://bucket/sql-lora")),
            m -> m.name().equals("lora-sql")));
    e.put(
        "LLMInferenceService that fetches its own model",
        new Example(
            ServingResources.tree(
                ServingResources.llmInferenceService("hf://meta-llama/Llama-3.2-1B")
                    + "  storageInitializer: {enabled: false}\n"),
            any));
    e.put(
        "TrainedModel or Seldon Model by digest",
        new Example(ServingResources.tree(ServingResources.trainedModel(digest)), any));
    e.put(
        "TrainedModel or Seldon Model by tag or download",
        new Example(ServingResources.tree(ServingResources.seldonModel("s3://bucket/iris")), any));
    return e;
  }

  /** The rows of the serving-runtime table ({@link ServingRuntime}) and its companions. */
  private static void runtimeExamples(Map<String, Example> e) throws Exception {
    String hub = "meta-llama/Llama-3.1-8B";
    Map<ServingRuntime, JsonNode> byRuntime = new LinkedHashMap<>();
    byRuntime.put(ServingRuntime.VLLM, ServingPods.productionStackVllm(hub, ""));
    byRuntime.put(
        ServingRuntime.KSERVE_HUGGINGFACE,
        ServingPods.kserveHuggingface("hf://org/verified", "--model_id=" + hub));
    byRuntime.put(
        ServingRuntime.TGI, ServingPods.tgi("", "[{name: MODEL_ID, value: '" + hub + "'}]", ""));
    byRuntime.put(
        ServingRuntime.SGLANG,
        ServingPods.deployment(
            "s",
            "{app: s}",
            "    - name: main\n      image: sglang\n      command: [python3, -m, sglang.launch_server, --model-path, "
                + hub
                + "]\n"));
    byRuntime.put(
        ServingRuntime.TRITON, ServingPods.kserveTriton("s3://bucket/repo", "gs://bucket/repo"));
    byRuntime.put(
        ServingRuntime.LLAMA_CPP,
        ServingPods.deployment(
            "l",
            "{app: l}",
            "    - name: llama\n      image: llama\n      args: [-hf, 'org/m-GGUF']\n"));
    for (ServingRuntime r : ServingRuntime.values()) {
      String row = r.tableRow();
      e.put(
          row.substring(2, row.indexOf(" | ")),
          new Example(byRuntime.get(r), m -> m.placement().stage() == Placement.Stage.RUNTIME));
    }
    e.put(
        "Runtime model argument inside a verified model's mount (`--model_dir=/mnt/models`)",
        new Example(ServingPods.kserveHuggingface("hf://org/verified"), any()));
    e.put(
        "Runtime model argument on another volume",
        new Example(
            ServingPods.deployment(
                "v",
                "{app: v}",
                "    - name: vllm\n      image: vllm\n      command: [vllm, serve, /data/llama]\n"
                    + "      volumeMounts: [{name: weights, mountPath: /data, readOnly: true}]\n"
                    + "    volumes: [{name: weights, persistentVolumeClaim: {claimName: models}}]\n"),
            any()));
    e.put(
        "Runtime adapter loading (`VLLM_ALLOW_RUNTIME_LORA_UPDATING`, AIBrix `aibrix_runtime`, production-stack LoRA `sidecar`, SGLang with LoRA, Triton `--model-control-mode=explicit`)",
        new Example(
            ServingPods.aibrixAdapters(), m -> m.name().equals("aibrix-runtime-runtime-adapters")));
    e.put(
        "Model declared by a policy (`spec.declaredModels`)",
        new Example(
            ServingPods.deployment(
                "k",
                "{kaito.sh/workspace: ws}",
                "    - name: server\n      image: kaito-base\n"
                    + "      volumeMounts: [{name: weights, mountPath: /workspace/weights, readOnly: true}]\n"
                    + "    volumes: [{name: weights, persistentVolumeClaim: {claimName: models}}]\n"),
            any(),
            List.of(
                new ModelReference(
                    "llm", ModelUri.parse("pvc://models/llama"), "", "spec.declaredModels[0]"))));
  }

  private static Predicate<ModelReference> any() {
    return m -> true;
  }

  private static JsonNode pod(String annotation, String volumes) throws Exception {
    return new YAMLMapper()
        .readTree(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ml\n  annotations: {"
                + annotation
                + "}\n"
                + "spec:\n  containers: [{name: server, image: server}]\n"
                + volumes);
  }

  private static JsonNode deployment(JsonNode pod) {
    ObjectNode d =
        new YAMLMapper().createObjectNode().put("apiVersion", "apps/v1").put("kind", "Deployment");
    d.putObject("metadata").put("name", "d").put("namespace", "ml");
    ObjectNode template = d.putObject("spec").putObject("template");
    template.set(
        "metadata", pod.path("metadata").isObject() ? pod.get("metadata") : template.objectNode());
    template.set("spec", pod.get("spec"));
    return d;
  }

  /** Where the inspector says the example's model is verified, in the table's words. */
  private static String verifiedAt(Example example) {
    JsonNode o = example.object();
    Workload w =
        ServingInspector.reviews(o.path("kind").asText(), o)
            ? served(o)
            : new WorkloadInspector()
                .inspect(
                    o.path("kind").asText(),
                    "ml",
                    o.at("/metadata/name").asText(),
                    o,
                    example.declared());
    if (!w.problems().isEmpty()) {
      return "refused";
    }
    List<ModelReference> models = w.models().stream().filter(example.model()).toList();
    if (w.models().isEmpty()) {
      return "not found: \"0 models found\"; `requireModels: true` denies with NO_MODEL_DECLARED";
    }
    assertThat(models).as("the example's model in %s", w.models()).hasSize(1);
    Placement.Stage stage = models.get(0).placement().stage();
    switch (stage) {
      case ADMISSION:
        return "at admission";
      case IN_POD:
        return "in the pod";
      case POD_REVIEW:
        return "at the Pod's review";
      case REFUSED:
      case RUNTIME:
      case RUNTIME_ADAPTERS:
        return "refused";
      default:
        throw new AssertionError("a stage the table does not name: " + stage);
    }
  }

  /** A serving resource's components as one workload, for the table. */
  private static Workload served(JsonNode o) {
    List<ServingComponent> parts = ServingInspector.inspect(o.path("kind").asText(), "ml", o);
    return new Workload(
        o.path("kind").asText(),
        "ml",
        o.at("/metadata/name").asText(),
        Map.of(),
        parts.stream().flatMap(p -> p.models().stream()).toList(),
        parts.stream().flatMap(p -> p.problems().stream()).toList());
  }

  /** Rows: source to "where it is verified" (the last column). */
  static Map<String, String> table(Path file) throws Exception {
    String text = Files.readString(file);
    assertThat(text)
        .as(file + " holds the table between its markers")
        .contains(START)
        .contains(END);
    Map<String, String> rows = new LinkedHashMap<>();
    for (String line : text.substring(text.indexOf(START), text.indexOf(END)).split("\n")) {
      if (!line.startsWith("| ") || line.startsWith("| Source ")) {
        continue;
      }
      String[] cells = line.substring(2, line.length() - 2).split(" \\| ");
      assertThat(cells).as(line).hasSize(3);
      rows.put(cells[0], cells[2]);
    }
    return rows;
  }

  @Test
  void everyRowIsVerifiedWhereTheTableSays() throws Exception {
    Map<String, String> rows = table(Path.of("docs/model-sources.md"));
    Map<String, Example> examples = examples();

    assertThat(rows.keySet())
        .as("rows without an example here, or examples without a row")
        .containsExactlyInAnyOrderElementsOf(examples.keySet());
    List<String> wrong = new ArrayList<>();
    rows.forEach(
        (source, where) -> {
          String actual = verifiedAt(examples.get(source));
          if (where.equals("refused") && actual.equals("refused") || where.equals(actual)) {
            return;
          }
          wrong.add(source + ": the table says '" + where + "', the inspector '" + actual + "'");
        });
    assertThat(wrong).isEmpty();
  }

  @Test
  void readmeCarriesTheSameTable() throws Exception {
    assertThat(table(Path.of("README.md"))).isEqualTo(table(Path.of("docs/model-sources.md")));
  }
}
