package dev.modelgate.admission.runtimeargs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A serving runtime recognised in one command line, by the command it runs and the shape of its
 * arguments, never by image name: {@code vllm serve}, {@code python -m <module>}, the launcher's
 * name, or, when the pod leaves the image's entrypoint in place (no {@code command}), an argument
 * list whose options only that runtime has.
 *
 * @param arguments the words after the runtime's own command ({@code serve} included for vLLM's
 *     CLI, which takes the model as its first positional word)
 * @param positionalModel the runtime takes its model as the first positional word
 * @param assignments variables a shell script set for the command ({@code VAR=x vllm serve …})
 */
record Invocation(
    ServingRuntime runtime,
    List<Token> arguments,
    boolean positionalModel,
    Map<String, String> assignments) {
  Invocation {
    arguments = List.copyOf(arguments);
    assignments = Map.copyOf(assignments);
  }

  private static final Map<String, ServingRuntime> MODULES =
      Map.of(
          "vllm.entrypoints.openai.api_server", ServingRuntime.VLLM,
          "vllm.entrypoints.api_server", ServingRuntime.VLLM,
          "huggingfaceserver", ServingRuntime.KSERVE_HUGGINGFACE,
          "sglang.launch_server", ServingRuntime.SGLANG);

  private static final Map<String, ServingRuntime> EXECUTABLES =
      Map.of(
          "text-generation-launcher", ServingRuntime.TGI,
          "tritonserver", ServingRuntime.TRITON,
          "llama-server", ServingRuntime.LLAMA_CPP);

  /** Wrappers that run the rest of the line as the command. */
  private static final Set<String> WRAPPERS =
      Set.of("exec", "env", "nohup", "tini", "dumb-init", "--");

  /**
   * Options only one runtime has, for a container that keeps its image's entrypoint; checked in
   * this order (vLLM's plain {@code --model} last).
   */
  private static final List<Map.Entry<ServingRuntime, Set<String>>> ARGS_ONLY =
      List.of(
          Map.entry(ServingRuntime.KSERVE_HUGGINGFACE, Set.of("--model_id", "--model_dir")),
          Map.entry(ServingRuntime.TGI, Set.of("--model-id", "--lora-adapters")),
          Map.entry(
              ServingRuntime.SGLANG,
              Set.of("--model-path", "--speculative-draft-model-path", "--lora-paths")),
          Map.entry(ServingRuntime.TRITON, Set.of("--model-repository", "--model-store")),
          Map.entry(
              ServingRuntime.LLAMA_CPP, Set.of("-hf", "-hfr", "--hf-repo", "-mu", "--model-url")),
          Map.entry(
              ServingRuntime.VLLM,
              Set.of("--model", "--speculative-model", "--speculative-config", "--lora-modules")));

  /**
   * The runtime a command line (command then args, expanded) starts, if a known one: its first word
   * after wrappers ({@code exec}, {@code env [-i] [-u NAME] [VAR=x]}, {@code nohup}, {@code tini
   * --}), or else a runtime command anywhere in the line, so that a wrapper ModelGate does not know
   * ({@code timeout 3600}, {@code numactl --cpunodebind=0}, {@code taskset -c 0-3}) does not hide
   * the server.
   */
  static Optional<Invocation> of(List<Token> argv, Map<String, String> assignments) {
    Map<String, String> env = new LinkedHashMap<>(assignments);
    int at = 0;
    while (at < argv.size() && WRAPPERS.contains(basename(argv.get(at).text()))) {
      at++;
      while (at < argv.size()
          && (argv.get(at).isFlag() || argv.get(at).text().matches("[A-Za-z_][A-Za-z0-9_]*=.*"))) {
        String w = argv.get(at).text();
        if (w.contains("=") && !w.startsWith("-")) {
          env.put(w.substring(0, w.indexOf('=')), w.substring(w.indexOf('=') + 1));
        }
        // env -u NAME takes a word.
        at += w.equals("-u") ? 2 : 1;
      }
    }
    for (int i = at; i < argv.size(); i++) {
      Optional<Invocation> found = startingAt(argv, i, env);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Optional<Invocation> startingAt(
      List<Token> argv, int at, Map<String, String> assignments) {
    String exe = basename(argv.get(at).text());
    List<Token> rest = argv.subList(at + 1, argv.size());
    if (exe.equals("vllm")) {
      return !rest.isEmpty() && rest.get(0).text().equals("serve")
          ? Optional.of(
              new Invocation(ServingRuntime.VLLM, rest.subList(1, rest.size()), true, assignments))
          : Optional.empty();
    }
    if (EXECUTABLES.containsKey(exe)) {
      return Optional.of(new Invocation(EXECUTABLES.get(exe), rest, false, assignments));
    }
    if (exe.matches("python[0-9.]*")) {
      for (int i = 0; i < rest.size(); i++) {
        String w = rest.get(i).text();
        if (w.equals("-m") && i + 1 < rest.size()) {
          ServingRuntime r = MODULES.get(rest.get(i + 1).text());
          return r == null
              ? Optional.empty()
              : Optional.of(
                  new Invocation(r, rest.subList(i + 2, rest.size()), false, assignments));
        }
        if (!w.startsWith("-")) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The runtime a container without {@code command} runs: its args as a command line when they
   * start with a runtime's command (KServe's Triton runtime: {@code args: [tritonserver, …]}), else
   * the runtime whose own options the args use, else TGI or llama.cpp when only their variables
   * name the model.
   */
  static Optional<Invocation> ofEntrypoint(List<Token> args, ContainerEnv env) {
    Optional<Invocation> asCommand = of(args, Map.of());
    if (asCommand.isPresent()) {
      return asCommand;
    }
    for (Map.Entry<ServingRuntime, Set<String>> e : ARGS_ONLY) {
      for (Token t : args) {
        String flag =
            t.text().contains("=") ? t.text().substring(0, t.text().indexOf('=')) : t.text();
        if (t.isFlag() && e.getValue().contains(e.getKey().canonical(flag))) {
          return Optional.of(new Invocation(e.getKey(), args, false, Map.of()));
        }
      }
    }
    for (ServingRuntime r : List.of(ServingRuntime.TGI, ServingRuntime.LLAMA_CPP)) {
      for (String v : r.envNames()) {
        if (!env.lookup(v).undefined() && !env.lookup(v).unseenName().endsWith("(envFrom)")) {
          return Optional.of(new Invocation(r, args, false, Map.of()));
        }
      }
    }
    return Optional.empty();
  }

  /** Words that name a runtime in a script ModelGate cannot read. */
  static Optional<String> mentioned(String script) {
    for (String w :
        List.of(
            "vllm",
            "text-generation-launcher",
            "sglang",
            "tritonserver",
            "llama-server",
            "huggingfaceserver")) {
      if (script.contains(w)) {
        return Optional.of(w);
      }
    }
    return Optional.empty();
  }

  static String basename(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
