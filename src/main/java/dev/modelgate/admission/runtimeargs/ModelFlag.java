package dev.modelgate.admission.runtimeargs;

import java.util.List;

/**
 * One argument of a serving runtime that names a model: its spellings and how its value names the
 * model.
 *
 * @param names every spelling, the canonical one first ({@code --model}, or {@code -m} and {@code
 *     --model})
 * @param shape how the value is read
 * @param many the flag takes several values ({@code nargs='+'}): every word up to the next option
 * @param extra words after the model's value that belong to the flag ({@code --lora-scaled FNAME
 *     SCALE})
 */
record ModelFlag(List<String> names, Shape shape, boolean many, int extra) {
  ModelFlag {
    names = List.copyOf(names);
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a flag has a name");
    }
  }

  static ModelFlag of(Shape shape, String... names) {
    return new ModelFlag(List.of(names), shape, false, 0);
  }

  static ModelFlag many(Shape shape, String... names) {
    return new ModelFlag(List.of(names), shape, true, 0);
  }

  String name() {
    return names.get(0);
  }

  /** How a flag's value names a model. */
  enum Shape {
    /** A local path, or else a hub ID or URL the server downloads. */
    PATH_OR_ID,
    /** A local path only: a relative one is in the container image. */
    PATH,
    /** A repository the server downloads from (llama.cpp {@code --hf-repo}). */
    REMOTE_REPO,
    /** A URL the server downloads. */
    URL,
    /** JSON whose {@code "model"} key is a path or hub ID (vLLM {@code --speculative-config}). */
    JSON_MODEL,
    /** vLLM {@code --lora-modules}: {@code name=path} or JSON {@code {"name", "path"}}. */
    VLLM_LORA,
    /** TGI {@code --lora-adapters}: comma-separated {@code id[=path][@revision]}. */
    TGI_LORA,
    /** SGLang {@code --lora-paths}: {@code path}, {@code name=path} or JSON {@code lora_path}. */
    SGLANG_LORA,
    /** A file of more arguments, which the webhook cannot read (vLLM {@code --config}). */
    CONFIG_FILE
  }
}
