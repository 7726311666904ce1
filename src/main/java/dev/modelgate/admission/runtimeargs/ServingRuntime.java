package dev.modelgate.admission.runtimeargs;

import dev.modelgate.admission.runtimeargs.ModelFlag.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The serving runtimes ModelGate reads, each with how it is started and which of its arguments (and
 * environment variables) name models. This table serves the inspector behind {@code check} and the
 * webhook, and the README's model-sources table (a test keeps every row there). Sources, read at:
 *
 * <ul>
 *   <li>vLLM: vllm-project/vllm vllm/entrypoints/cli/serve.py at 00a5fdd2 (positional {@code
 *       model_tag} overrides {@code --model}), vllm/engine/arg_utils.py at 001999d2 ({@code
 *       --model}, default {@code facebook/opt-125m} there, {@code --tokenizer}, {@code
 *       --speculative-model}, {@code --qlora-adapter-name-or-path}), the {@code
 *       --speculative-config} JSON of newer releases, vllm/entrypoints/openai/cli_args.py at
 *       00522333 ({@code LoRAParserAction}: {@code name=path} or JSON), FlexibleArgumentParser
 *       ({@code --a_b} is {@code --a-b}; {@code --config FILE});
 *   <li>KServe huggingfaceserver: kserve/kserve python/huggingfaceserver/huggingfaceserver/
 *       __main__.py at 00397f1e ({@code --model_id} wins over {@code --model_dir}, which may be a
 *       URI for {@code Storage.download}; vLLM's arguments are added to its parser);
 *   <li>TGI: huggingface/text-generation-inference launcher/src/main.rs at db931fcf ({@code
 *       --model-id}/{@code MODEL_ID}, default {@code bigscience/bloom-560m}; {@code
 *       --lora-adapters}/{@code LORA_ADAPTERS}, parsed in server/text_generation_server/utils/
 *       adapter.py as {@code id[=path][@revision]});
 *   <li>SGLang: sgl-project/sglang python/sglang/srt/server_args.py at 469c63e5 ({@code
 *       --lora-paths}, {@code nargs='*'}: {@code <PATH> | <NAME>=<PATH> | JSON {lora_name,
 *       lora_path, pinned}}), and python/sglang/srt/entrypoints/http_server.py ({@code
 *       /load_lora_adapter} loads adapters into the running server when LoRA is enabled);
 *   <li>Triton: {@code tritonserver --model-repository} / {@code --model-store} (kserve/kserve
 *       config/runtimes/kserve-tritonserver.yaml at 03451632);
 *   <li>llama.cpp server: ggml-org/llama.cpp common/arg.cpp at 145b6280 ({@code -m}, {@code -mu},
 *       {@code -hf}, {@code -hfd}, {@code -dr}, {@code --lora}, {@code --mmproj}, and their {@code
 *       LLAMA_ARG_*} variables).
 * </ul>
 */
public enum ServingRuntime {
  VLLM(
      "vLLM",
      "`vllm serve [MODEL]`, `python -m vllm.entrypoints.openai.api_server`",
      List.of(
          ModelFlag.of(Shape.PATH_OR_ID, "--model"),
          ModelFlag.of(Shape.PATH_OR_ID, "--tokenizer"),
          ModelFlag.of(Shape.PATH_OR_ID, "--speculative-model"),
          ModelFlag.of(Shape.JSON_MODEL, "--speculative-config"),
          ModelFlag.many(Shape.VLLM_LORA, "--lora-modules"),
          ModelFlag.of(Shape.PATH_OR_ID, "--qlora-adapter-name-or-path"),
          ModelFlag.of(Shape.PATH_OR_ID, "--hf-config-path"),
          ModelFlag.of(Shape.CONFIG_FILE, "--config")),
      Map.of(),
      Optional.of("its default model")),
  KSERVE_HUGGINGFACE(
      "KServe huggingfaceserver",
      "`python -m huggingfaceserver`; args-only `--model_id`/`--model_dir`",
      List.of(
          ModelFlag.of(Shape.PATH_OR_ID, "--model_id"),
          ModelFlag.of(Shape.PATH_OR_ID, "--model_dir"),
          ModelFlag.of(Shape.PATH_OR_ID, "--tokenizer"),
          ModelFlag.of(Shape.PATH_OR_ID, "--speculative-model"),
          ModelFlag.of(Shape.JSON_MODEL, "--speculative-config"),
          ModelFlag.many(Shape.VLLM_LORA, "--lora-modules")),
      Map.of(),
      Optional.empty()),
  TGI(
      "Text Generation Inference",
      "`text-generation-launcher`; args-only `--model-id`; env `MODEL_ID`",
      List.of(
          ModelFlag.of(Shape.PATH_OR_ID, "--model-id"),
          ModelFlag.of(Shape.TGI_LORA, "--lora-adapters"),
          ModelFlag.of(Shape.PATH, "--tokenizer-config-path")),
      Map.of("MODEL_ID", "--model-id", "LORA_ADAPTERS", "--lora-adapters"),
      Optional.of("its default model bigscience/bloom-560m")),
  SGLANG(
      "SGLang",
      "`python -m sglang.launch_server`; args-only `--model-path`",
      List.of(
          new ModelFlag(List.of("--model-path", "--model"), Shape.PATH_OR_ID, false, 0),
          ModelFlag.of(Shape.PATH_OR_ID, "--tokenizer-path"),
          new ModelFlag(
              List.of("--speculative-draft-model-path", "--speculative-draft-model"),
              Shape.PATH_OR_ID,
              false,
              0),
          ModelFlag.many(Shape.SGLANG_LORA, "--lora-paths")),
      Map.of(),
      Optional.empty()),
  TRITON(
      "Triton Inference Server",
      "`tritonserver`; args-only `--model-repository`/`--model-store`",
      List.of(
          new ModelFlag(
              List.of("--model-repository", "--model-store"), Shape.PATH_OR_ID, false, 0)),
      Map.of(),
      Optional.empty()),
  LLAMA_CPP(
      "llama.cpp server",
      "`llama-server`; args-only `--hf-repo`/`--model-url`",
      List.of(
          ModelFlag.of(Shape.PATH, "-m", "--model"),
          ModelFlag.of(Shape.URL, "-mu", "--model-url"),
          ModelFlag.of(Shape.REMOTE_REPO, "-hf", "-hfr", "--hf-repo"),
          ModelFlag.of(Shape.REMOTE_REPO, "-hfd", "-hfrd", "--hf-repo-draft"),
          ModelFlag.of(Shape.REMOTE_REPO, "-hfv", "-hfrv", "--hf-repo-v"),
          ModelFlag.of(Shape.REMOTE_REPO, "-dr", "--docker-repo"),
          ModelFlag.of(Shape.PATH, "-md", "--model-draft"),
          ModelFlag.of(Shape.PATH, "--lora"),
          new ModelFlag(List.of("--lora-scaled"), Shape.PATH, false, 1),
          ModelFlag.of(Shape.PATH, "-mm", "--mmproj"),
          ModelFlag.of(Shape.URL, "-mmu", "--mmproj-url")),
      Map.of(
          "LLAMA_ARG_MODEL", "--model",
          "LLAMA_ARG_MODEL_URL", "--model-url",
          "LLAMA_ARG_HF_REPO", "--hf-repo",
          "LLAMA_ARG_HFD_REPO", "--hf-repo-draft",
          "LLAMA_ARG_DOCKER_REPO", "--docker-repo",
          "LLAMA_ARG_MODEL_DRAFT", "--model-draft"),
      Optional.empty());

  private final String label;
  private final String launch;
  private final List<ModelFlag> flags;
  private final Map<String, String> envFlags;
  private final Optional<String> defaultDownload;

  ServingRuntime(
      String label,
      String launch,
      List<ModelFlag> flags,
      Map<String, String> envFlags,
      Optional<String> defaultDownload) {
    this.label = label;
    this.launch = launch;
    this.flags = flags;
    // Sorted: Map.of iterates in an order that changes from one JVM to the next.
    this.envFlags = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(envFlags));
    this.defaultDownload = defaultDownload;
  }

  /** The runtime's name in messages and in the README row. */
  public String label() {
    return label;
  }

  /** How ModelGate recognises it, as the README row says. */
  public String launch() {
    return launch;
  }

  /**
   * This runtime's row of the model-sources table (README.md, docs/model-sources.md): a hub ID, URL
   * or image path in any of its model arguments is refused; a path in a verified mount or on
   * another volume has rows of its own.
   */
  public String tableRow() {
    StringBuilder how = new StringBuilder(launch).append(": ");
    List<String> spelled = new ArrayList<>();
    flagNames().forEach(f -> spelled.add("`" + f + "`"));
    envFlags.keySet().stream().sorted().forEach(e -> spelled.add("`" + e + "`"));
    how.append(String.join(", ", spelled));
    return "| "
        + label
        + " model arguments (hub ID, URL, path in the image) | "
        + how
        + " | refused |";
  }

  /** Every spelling of every model argument, as the README row lists them. */
  public List<String> flagNames() {
    List<String> out = new ArrayList<>();
    flags.forEach(f -> out.addAll(f.names()));
    return out;
  }

  /** Environment variables the runtime reads as model arguments. */
  public Set<String> envNames() {
    return envFlags.keySet();
  }

  List<ModelFlag> flags() {
    return flags;
  }

  Map<String, String> envFlags() {
    return envFlags;
  }

  /** What the runtime downloads when no model argument is given, if anything. */
  Optional<String> defaultDownload() {
    return defaultDownload;
  }

  /** vLLM's FlexibleArgumentParser reads {@code --a_b} as {@code --a-b}. */
  String canonical(String flag) {
    if (this == VLLM && flag.startsWith("--")) {
      return flag.replace('_', '-');
    }
    return flag;
  }

  Optional<ModelFlag> flag(String name) {
    String n = canonical(name);
    return flags.stream().filter(f -> f.names().contains(n)).findFirst();
  }
}
