package dev.modelgate.admission.runtimeargs;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Runtimes that take adapters (or models) into the running server through its API, which nothing
 * verifies: vLLM with {@code VLLM_ALLOW_RUNTIME_LORA_UPDATING} {@code 1}/{@code true} (vllm/envs.py
 * reads it lower-cased and stripped; production-stack's operator and AIBrix's adapter sample set
 * {@code True}), also when it may come from {@code valueFrom}, or from {@code envFrom} with {@code
 * --enable-lora}; SGLang with LoRA enabled ({@code /load_lora_adapter}); Triton with {@code
 * --model-control-mode=explicit} (its load API takes model files too); AIBrix's {@code
 * aibrix_runtime} sidecar (vllm-project/aibrix samples/adapter/base.yaml at e3e10f9e) and
 * production-stack's LoRA sidecar ({@code LORA_DOWNLOAD_BASE_DIR}, helm/templates/
 * deployment-vllm-multi.yaml at a6c01db0).
 */
final class AdapterLoading {
  private AdapterLoading() {}

  /** Why the container loads adapters while it runs, if it does. */
  static Optional<String> of(ContainerEnv env, List<Token> command, List<Invocation> invocations) {
    String why = null;
    for (Invocation inv : invocations) {
      if (inv.runtime() == ServingRuntime.SGLANG
          && inv.arguments().stream()
              .anyMatch(
                  t ->
                      t.text().equals("--enable-lora")
                          || t.text().equals("--lora-paths")
                          || t.text().startsWith("--lora-paths="))) {
        why =
            "runs SGLang with LoRA enabled: it loads adapters through /load_lora_adapter while it runs";
        continue;
      }
      if (inv.runtime() != ServingRuntime.VLLM
          && inv.runtime() != ServingRuntime.KSERVE_HUGGINGFACE) {
        if (inv.runtime() == ServingRuntime.TRITON && explicitControl(inv.arguments())) {
          why =
              "runs Triton with --model-control-mode=explicit: models (and their files, in load requests) are loaded through the repository API while it runs";
        }
        continue;
      }
      String flag = "VLLM_ALLOW_RUNTIME_LORA_UPDATING";
      String value = inv.assignments().get(flag);
      ContainerEnv.Lookup l = value != null ? ContainerEnv.Lookup.value(value) : env.lookup(flag);
      boolean enableLora =
          inv.arguments().stream()
              .anyMatch(
                  t ->
                      t.text().startsWith("--enable-lora") || t.text().startsWith("--enable_lora"));
      if (l.value()
          .map(s -> List.of("1", "true").contains(s.strip().toLowerCase(Locale.ROOT)))
          .orElse(false)) {
        why =
            "sets "
                + flag
                + "="
                + l.value().get()
                + ": "
                + inv.runtime().label()
                + " loads LoRA adapters through /v1/load_lora_adapter while it runs";
      } else if (!l.undefined()
          && l.value().isEmpty()
          && (enableLora || !l.unseenName().endsWith("(envFrom)"))) {
        why =
            "may set "
                + flag
                + " from "
                + l.unseenName()
                + ", which ModelGate cannot see: with it "
                + inv.runtime().label()
                + " loads LoRA adapters through its API while it runs";
      }
    }
    for (Token t : command) {
      if (Invocation.basename(t.text()).equals("aibrix_runtime")) {
        why =
            "runs AIBrix's aibrix_runtime sidecar, which downloads adapters (ModelAdapter) and loads them into the engine through its API";
      }
    }
    if (!env.lookup("LORA_DOWNLOAD_BASE_DIR").undefined()
        && env.lookup("LORA_DOWNLOAD_BASE_DIR").value().isPresent()) {
      why =
          "is vLLM production-stack's LoRA sidecar (LORA_DOWNLOAD_BASE_DIR), which downloads adapters and loads them into the engine through its API";
    }
    return Optional.ofNullable(why);
  }

  /** Triton's {@code --model-control-mode=explicit} (or {@code … explicit}). */
  private static boolean explicitControl(List<Token> args) {
    for (int i = 0; i < args.size(); i++) {
      String t = args.get(i).text();
      if (t.equals("--model-control-mode=explicit")
          || t.equals("--model-control-mode")
              && i + 1 < args.size()
              && args.get(i + 1).text().equals("explicit")) {
        return true;
      }
    }
    return false;
  }
}
