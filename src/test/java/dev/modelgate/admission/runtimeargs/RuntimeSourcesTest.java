package dev.modelgate.admission.runtimeargs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.admission.Workload;
import dev.modelgate.admission.WorkloadInspector;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.Placement.Stage;
import dev.modelgate.testing.KServePods;
import dev.modelgate.testing.ServingPods;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The runtime-argument inspector on pod shapes the serving stacks produce ({@link ServingPods},
 * {@link KServePods} cite their sources): each model value is covered by a verified model, an
 * implicit volume model, or a refused runtime source naming container, flag and value.
 */
class RuntimeSourcesTest {
  /** What the inspector added for the runtime: "name stage uri", or "" when nothing. */
  record Case(String name, JsonNode workload, List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static ObjectNode withArgs(ObjectNode pod, String... args) {
    ArrayNode a = ((ObjectNode) pod.at("/spec/containers/0")).putArray("args");
    for (String s : args) {
      a.add(s);
    }
    return pod;
  }

  static JsonNode vllm(String containerYaml, String volumes) {
    return ServingPods.deployment("vllm", "{app: vllm}", containerYaml + volumes);
  }

  static final String PVC_AT_DATA =
      "      volumeMounts: [{name: weights, mountPath: /data, readOnly: true}]\n"
          + "    volumes: [{name: weights, persistentVolumeClaim: {claimName: models}}]\n";

  static Stream<Arguments> cases() {
    return Stream.of(
            new Case(
                "KServe huggingfaceserver --model_dir inside the verified /mnt/models",
                ServingPods.kserveHuggingface("hf://meta-llama/Llama-3.1-8B"),
                List.of()),
            new Case(
                "KServe huggingfaceserver --model_id wins over the verified model_dir",
                ServingPods.kserveHuggingface(
                    "hf://meta-llama/Llama-3.1-8B", "--model_id=org/other"),
                List.of("kserve-container-model-id RUNTIME hf://org/other")),
            new Case(
                "KServe's documented speculative decoding draft from the Hub",
                ServingPods.kserveHuggingface(
                    "hf://meta-llama/Llama-3.1-8B", "--speculative-model=facebook/opt-125m"),
                List.of("kserve-container-speculative-model RUNTIME hf://facebook/opt-125m")),
            new Case(
                "--speculative-config JSON whose model is inside the verified mount",
                ServingPods.kserveHuggingface(
                    "hf://meta-llama/Llama-3.1-8B",
                    "--speculative-config",
                    "{\"model\": \"/mnt/models/draft\", \"num_speculative_tokens\": 5}"),
                List.of()),
            new Case(
                "--speculative-config JSON whose model is a Hub ID",
                ServingPods.kserveHuggingface(
                    "hf://meta-llama/Llama-3.1-8B",
                    "--speculative-config={\"model\": \"yuhuili/EAGLE-LLaMA3-Instruct-8B\"}"),
                List.of(
                    "kserve-container-speculative-config RUNTIME hf://yuhuili/EAGLE-LLaMA3-Instruct-8B")),
            new Case(
                "--lora-modules name=path inside the mount and JSON from the Hub",
                ServingPods.kserveHuggingface(
                    "hf://meta-llama/Llama-3.1-8B",
                    "--lora-modules",
                    "sql=/mnt/models/sql-lora",
                    "{\"name\": \"chat\", \"path\": \"org/chat-lora\", \"base_model_name\": \"llama\"}"),
                List.of("kserve-container-lora-modules RUNTIME hf://org/chat-lora")),
            new Case(
                "path tricks are resolved before the mount is matched",
                ServingPods.kserveHuggingface(
                    "hf://meta-llama/Llama-3.1-8B", "--model_id=/mnt/models/../../etc/llama"),
                List.of("kserve-container-model-id RUNTIME image://kserve-container/etc/llama")),
            new Case(
                "production-stack vllm serve with a Hub model",
                ServingPods.productionStackVllm("meta-llama/Llama-3.1-8B", ""),
                List.of("vllm-serve-model RUNTIME hf://meta-llama/Llama-3.1-8B")),
            new Case(
                "vllm serve with a model on an unannotated claim is an implicit volume model",
                vllm(
                    "    - name: vllm\n      image: vllm/vllm-openai\n      command: [vllm, serve, /data/llama]\n",
                    PVC_AT_DATA),
                List.of("vllm-serve-model IN_POD volume://weights/llama")),
            new Case(
                "vllm serve with no model serves its default from the Hub",
                vllm(
                    "    - name: vllm\n      image: vllm/vllm-openai\n      command: [vllm, serve, --port, '8000']\n",
                    ""),
                List.of("vllm-no-model-argument RUNTIME default")),
            new Case(
                "args only: the vllm-openai entrypoint with --model_tokenizer spelled with underscores",
                vllm(
                    "    - name: vllm\n      image: vllm/vllm-openai\n      args: ['--model=/data/llama', '--tokenizer', 'org/tok']\n",
                    PVC_AT_DATA),
                List.of(
                    "vllm-model IN_POD volume://weights/llama",
                    "vllm-tokenizer RUNTIME hf://org/tok")),
            new Case(
                "Kubernetes $(VAR) expansion from env",
                vllm(
                    "    - name: vllm\n      image: vllm/vllm-openai\n      args: ['--model', '$(MODEL_DIR)/llama']\n"
                        + "      env: [{name: MODEL_DIR, value: /data}]\n",
                    PVC_AT_DATA),
                List.of("vllm-model IN_POD volume://weights/llama")),
            new Case(
                "a $(VAR) from valueFrom cannot be seen",
                vllm(
                    "    - name: vllm\n      image: vllm/vllm-openai\n      args: ['--model', '$(MODEL)']\n"
                        + "      env: [{name: MODEL, valueFrom: {configMapKeyRef: {name: m, key: model}}}]\n",
                    ""),
                List.of("vllm-model RUNTIME unseen")),
            new Case(
                "sh -c with shell variables and exec",
                vllm(
                    "    - name: vllm\n      image: vllm/vllm-openai\n      command: [/bin/sh, -c]\n"
                        + "      args: ['pip list >/dev/null 2>&1; exec python3 -m vllm.entrypoints.openai.api_server --model \"$MODEL\" --port 8000']\n"
                        + "      env: [{name: MODEL, value: mistralai/Mistral-7B-Instruct-v0.3}]\n",
                    ""),
                List.of("vllm-model RUNTIME hf://mistralai/Mistral-7B-Instruct-v0.3")),
            new Case(
                "a shell script ModelGate cannot read that starts vllm",
                vllm(
                    "    - name: vllm\n      image: vllm/vllm-openai\n      command: [bash, -c, 'vllm serve $(cat /etc/model-name)']\n",
                    ""),
                List.of("vllm-script RUNTIME unreadable")),
            new Case(
                "TGI args-only --model-id on a claim, and its LoRA adapters",
                ServingPods.tgi(
                    "[--model-id, /data/llama, --lora-adapters, 'predibase/customer_support,sql=/data/sql-lora']",
                    "",
                    PVC_AT_DATA),
                List.of(
                    "tgi-model-id IN_POD volume://weights/llama",
                    "tgi-lora-adapters RUNTIME hf://predibase/customer_support",
                    "tgi-lora-adapters-2 IN_POD volume://weights/sql-lora")),
            new Case(
                "TGI MODEL_ID env from the Hub",
                ServingPods.tgi("", "[{name: MODEL_ID, value: bigscience/bloom-560m}]", ""),
                List.of("tgi-model-id RUNTIME hf://bigscience/bloom-560m")),
            new Case(
                "TGI with no model id serves its default from the Hub",
                ServingPods.tgi("[text-generation-launcher, --port, '8080']", "", ""),
                List.of("tgi-no-model-argument RUNTIME default")),
            new Case(
                "SGLang model in an image volume, draft model from the Hub",
                ServingPods.deployment(
                    "sglang",
                    "{app: sglang}",
                    "    - name: main\n      image: lmsysorg/sglang:v0.5.14\n"
                        + "      command: [python3, -m, sglang.launch_server, --model-path, /models/llama, --speculative-algorithm, EAGLE,"
                        + " --speculative-draft-model-path, lmsys/sglang-EAGLE-LLaMA3-Instruct-8B]\n"
                        + "      volumeMounts: [{name: llama, mountPath: /models/llama}]\n"
                        + "    volumes: [{name: llama, image: {reference: 'registry.example.com/llama:1'}}]\n"),
                List.of(
                    "main-speculative-draft-model-path RUNTIME hf://lmsys/sglang-EAGLE-LLaMA3-Instruct-8B")),
            new Case(
                "SGLang with --lora-paths loads adapters through its API too",
                ServingPods.deployment(
                    "sglang",
                    "{app: sglang}",
                    "    - name: main\n      image: lmsysorg/sglang:v0.5.14\n"
                        + "      command: [python3, -m, sglang.launch_server, --model-path, /models/llama, --lora-paths,"
                        + " 'sql=/models/llama/sql-lora', '{\"lora_name\": \"chat\", \"lora_path\": \"org/chat\", \"pinned\": true}']\n"
                        + "      volumeMounts: [{name: llama, mountPath: /models/llama}]\n"
                        + "    volumes: [{name: llama, image: {reference: 'registry.example.com/llama:1'}}]\n"),
                List.of(
                    "main-lora-paths RUNTIME hf://org/chat",
                    "main-runtime-adapters RUNTIME_ADAPTERS runtime-adapters://main")),
            new Case(
                "vLLM QLoRA adapter from the Hub",
                vllm(
                    "    - name: vllm\n      image: vllm/vllm-openai\n      command: [vllm, serve, /data/llama, --qlora_adapter_name_or_path, org/qlora]\n"
                        + "      volumeMounts: [{name: weights, mountPath: /data, readOnly: true}]\n",
                    "    volumes: [{name: weights, persistentVolumeClaim: {claimName: models}}]\n"),
                List.of(
                    "vllm-serve-model IN_POD volume://weights/llama",
                    "vllm-qlora-adapter-name-or-path RUNTIME hf://org/qlora")),
            new Case(
                "KServe Triton --model-store inside the verified mount",
                ServingPods.kserveTriton("s3://bucket/triton", "/mnt/models"),
                List.of()),
            new Case(
                "Triton with a repository in S3",
                ServingPods.kserveTriton("s3://bucket/triton", "s3://other-bucket/repo"),
                List.of("kserve-container-model-repository RUNTIME s3://other-bucket/repo")),
            new Case(
                "llama.cpp server with -hf",
                ServingPods.deployment(
                    "llama",
                    "{app: llama}",
                    "    - name: llama\n      image: ghcr.io/ggml-org/llama.cpp:server\n"
                        + "      args: [-hf, 'unsloth/phi-4-GGUF:q4_k_m', --port, '8080']\n"),
                List.of("llama-hf RUNTIME hf://unsloth/phi-4-GGUF:q4_k_m")),
            new Case(
                "AIBrix adapter sample: runtime LoRA updating and the aibrix_runtime sidecar",
                ServingPods.aibrixAdapters(),
                List.of(
                    "vllm-openai-runtime-adapters RUNTIME_ADAPTERS runtime-adapters://vllm-openai",
                    "aibrix-runtime-runtime-adapters RUNTIME_ADAPTERS runtime-adapters://aibrix-runtime")),
            new Case(
                "malformed --speculative-config JSON cannot be read",
                ServingPods.kserveHuggingface(
                    "hf://meta-llama/Llama-3.1-8B", "--speculative-config", "{\"model\": "),
                List.of("kserve-container-speculative-config RUNTIME unreadable")),
            new Case(
                "vLLM --config reads more arguments from a file ModelGate cannot read",
                vllm(
                    "    - name: vllm\n      image: vllm/vllm-openai\n      command: [vllm, serve, --config, /etc/vllm/config.yaml]\n",
                    ""),
                List.of("vllm-config RUNTIME unreadable")),
            new Case(
                "$$(VAR) is a literal: the value is the text $(MODEL), a relative path",
                vllm(
                    "    - name: vllm\n      image: vllm/vllm-openai\n      args: ['--model', '$$(MODEL)']\n"
                        + "      env: [{name: MODEL, value: /data/llama}]\n",
                    ""),
                List.of("vllm-model RUNTIME hf://$(MODEL)")),
            new Case(
                "a shell default ${MODEL:-…} is not read",
                vllm(
                    "    - name: vllm\n      image: vllm/vllm-openai\n      command: [sh, -c, 'vllm serve ${MODEL:-/data/llama}']\n",
                    ""),
                List.of("vllm-script RUNTIME unreadable")),
            new Case(
                "TGI recognised by its launcher with MODEL_ID and LORA_ADAPTERS possibly in envFrom",
                ServingPods.tgi(
                    "[text-generation-launcher, --port, '8080']",
                    "",
                    "      envFrom: [{configMapRef: {name: tgi-env}}]\n"),
                List.of("tgi-lora-adapters RUNTIME unseen", "tgi-model-id RUNTIME unseen")),
            new Case(
                "a wrapper ModelGate does not know does not hide the server",
                vllm(
                    "    - name: vllm\n      image: vllm/vllm-openai\n"
                        + "      command: [timeout, '86400', numactl, --cpunodebind=0, vllm, serve, org/hidden]\n",
                    ""),
                List.of("vllm-serve-model RUNTIME hf://org/hidden")),
            new Case(
                "env -u and VAR=x before the server are read",
                vllm(
                    "    - name: vllm\n      image: vllm/vllm-openai\n"
                        + "      command: [env, -u, HF_HUB_OFFLINE, VLLM_ALLOW_RUNTIME_LORA_UPDATING=1, vllm, serve, /data/llama, --enable-lora]\n"
                        + "      volumeMounts: [{name: weights, mountPath: /data, readOnly: true}]\n",
                    "    volumes: [{name: weights, persistentVolumeClaim: {claimName: models}}]\n"),
                List.of(
                    "vllm-serve-model IN_POD volume://weights/llama",
                    "vllm-runtime-adapters RUNTIME_ADAPTERS runtime-adapters://vllm")),
            new Case(
                "a training job's --model is no serving runtime",
                ServingPods.deployment(
                    "train",
                    "{app: train}",
                    "    - name: train\n      image: pytorch\n      command: [python, train.py, --model, bert-base-uncased]\n"),
                List.of()))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachRuntimeModelValueIsCoveredImplicitOrRefused(Case c) {
    JsonNode o = c.workload();
    Workload w =
        new WorkloadInspector()
            .inspect(o.path("kind").asText(), "ml", o.at("/metadata/name").asText(), o);

    List<String> added =
        w.models().stream()
            .filter(RuntimeSourcesTest::fromRuntime)
            .map(RuntimeSourcesTest::describe)
            .toList();

    assertThat(w.problems()).isEmpty();
    assertThat(added).containsExactlyElementsOf(c.expected());
  }

  private static boolean fromRuntime(ModelReference m) {
    return !m.name().equals("kserve-storage") && m.placement().stage() == Stage.RUNTIME
        || m.placement().stage() == Stage.RUNTIME_ADAPTERS
        || !m.name().equals("kserve-storage")
            && (m.field().contains("].args[")
                || m.field().contains("].command[")
                || m.field().endsWith(".env"));
  }

  private static String describe(ModelReference m) {
    String uri = m.uri().toString();
    for (String opaque : List.of("unseen", "unreadable", "default")) {
      uri = uri.startsWith(opaque + "://") ? opaque : uri;
    }
    return m.name()
        + " "
        + m.placement().stage()
        + " "
        + (m.inPod() ? m.placement().volume().orElseThrow() : uri);
  }
}
