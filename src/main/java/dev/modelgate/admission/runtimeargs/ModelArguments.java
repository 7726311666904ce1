package dev.modelgate.admission.runtimeargs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.admission.runtimeargs.ModelFlag.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The model arguments of one runtime invocation: every occurrence of every model flag ({@code
 * --flag value} and {@code --flag=value}; all of them, not only the last one the parser keeps),
 * values inside JSON and adapter lists taken apart, the positional model of {@code vllm serve}, the
 * runtime's environment variables when no flag overrides them, and its default download when
 * nothing names a model.
 */
final class ModelArguments {
  /**
   * One value that names a model.
   *
   * @param flag the flag as the runtime knows it ({@code --model}, {@code MODEL_ID}, {@code serve
   *     MODEL}), for messages
   * @param value the value, with where it was read
   * @param shape how it names a model: {@link Shape#PATH_OR_ID}, {@link Shape#PATH}, {@link
   *     Shape#REMOTE_REPO}, {@link Shape#URL} or {@link Shape#CONFIG_FILE}
   * @param unreadable why the value cannot be read (bad JSON); empty when it can
   */
  record Value(String flag, Token value, Shape shape, String unreadable) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The flag of the value a runtime uses when no argument names a model. */
  static final String NO_MODEL = "(no model argument)";

  /** vLLM options that take no value, so a word after them is the positional model. */
  private static final Set<String> VLLM_SWITCHES =
      Set.of(
          "--enable-lora",
          "--trust-remote-code",
          "--enforce-eager",
          "--enable-prefix-caching",
          "--no-enable-prefix-caching",
          "--enable-chunked-prefill",
          "--enable-auto-tool-choice",
          "--disable-log-requests",
          "--disable-log-stats",
          "--enable-log-requests",
          "--headless",
          "--disable-frontend-multiprocessing");

  private ModelArguments() {}

  static List<Value> of(Invocation inv, ContainerEnv env, String envField) {
    ServingRuntime rt = inv.runtime();
    List<Value> out = new ArrayList<>();
    List<Token> args = inv.arguments();
    boolean positionalTaken = !inv.positionalModel();
    int start = 0;
    if (inv.positionalModel() && !args.isEmpty() && !args.get(0).isFlag()) {
      out.add(new Value("serve MODEL", args.get(0), Shape.PATH_OR_ID, ""));
      positionalTaken = true;
      start = 1;
    }
    boolean named = positionalTaken && inv.positionalModel();
    for (int i = start; i < args.size(); i++) {
      Token t = args.get(i);
      if (!t.isFlag()) {
        if (!positionalTaken) {
          out.add(new Value("serve MODEL", t, Shape.PATH_OR_ID, ""));
          positionalTaken = true;
          named = true;
        }
        continue;
      }
      int eq = t.text().startsWith("--") ? t.text().indexOf('=') : -1;
      String name = eq < 0 ? t.text() : t.text().substring(0, eq);
      Optional<ModelFlag> flag = rt.flag(name);
      if (flag.isEmpty()) {
        boolean takesValue =
            eq < 0
                && i + 1 < args.size()
                && !args.get(i + 1).isFlag()
                && !(rt == ServingRuntime.VLLM && VLLM_SWITCHES.contains(rt.canonical(name)));
        i += takesValue ? 1 : 0;
        continue;
      }
      ModelFlag f = flag.get();
      named |= f.shape() != Shape.CONFIG_FILE;
      List<Token> values = new ArrayList<>();
      if (eq >= 0) {
        values.add(new Token(t.text().substring(eq + 1), t.unseen(), t.field()));
      }
      while (i + 1 < args.size() && !args.get(i + 1).isFlag() && (values.isEmpty() || f.many())) {
        values.add(args.get(++i));
      }
      i += Math.min(f.extra(), args.size() - 1 - i);
      if (values.isEmpty()) {
        out.add(new Value(f.name(), t, f.shape(), "has no value"));
      }
      for (Token v : values) {
        out.addAll(split(f, v));
      }
    }
    for (var e : rt.envFlags().entrySet()) {
      String flagName = e.getValue();
      boolean overridden =
          out.stream()
              .anyMatch(
                  v -> rt.flag(v.flag()).map(f -> f.names().contains(flagName)).orElse(false));
      Optional<Token> v =
          inv.assignments().containsKey(e.getKey())
              ? Optional.of(new Token(inv.assignments().get(e.getKey()), "", envField))
              : env.variable(e.getKey(), envField);
      if (!overridden && v.isPresent()) {
        ModelFlag f = rt.flag(flagName).orElseThrow();
        named |= f.shape() != Shape.CONFIG_FILE;
        for (Value split : split(f, v.get())) {
          out.add(new Value(e.getKey(), split.value(), split.shape(), split.unreadable()));
        }
      }
    }
    boolean config = out.stream().anyMatch(v -> v.shape() == Shape.CONFIG_FILE);
    if (!named && !config && rt.defaultDownload().isPresent()) {
      Token none =
          new Token(
              rt.defaultDownload().get(), "", args.isEmpty() ? envField : args.get(0).field());
      out.add(new Value(NO_MODEL, none, Shape.REMOTE_REPO, ""));
    }
    return out;
  }

  /** The model values in one flag value: itself, or taken from JSON or an adapter list. */
  private static List<Value> split(ModelFlag f, Token v) {
    List<Value> out = new ArrayList<>();
    String text = v.text();
    switch (f.shape()) {
      case JSON_MODEL:
        json(f, v)
            .ifPresentOrElse(
                n -> {
                  if (n.path("model").isTextual()) {
                    out.add(value(f, v, n.path("model").asText(), Shape.PATH_OR_ID));
                  } else if (n.has("model")) {
                    out.add(
                        new Value(
                            f.name(), v, Shape.PATH_OR_ID, "has a \"model\" that is not a string"));
                  }
                },
                () -> out.add(new Value(f.name(), v, Shape.PATH_OR_ID, "is not a JSON object")));
        return out;
      case VLLM_LORA:
        // cli_args.py LoRAParserAction: "name=path" when it has '=' and no ',', else JSON.
        if (text.contains("=") && !text.contains(",")) {
          out.add(value(f, v, text.substring(text.indexOf('=') + 1), Shape.PATH_OR_ID));
        } else {
          json(f, v)
              .filter(n -> n.path("path").isTextual())
              .ifPresentOrElse(
                  n -> out.add(value(f, v, n.path("path").asText(), Shape.PATH_OR_ID)),
                  () ->
                      out.add(
                          new Value(
                              f.name(),
                              v,
                              Shape.PATH_OR_ID,
                              "is neither name=path nor JSON with a \"path\"")));
        }
        return out;
      case SGLANG_LORA:
        if (text.startsWith("{")) {
          json(f, v)
              .filter(n -> n.path("lora_path").isTextual())
              .ifPresentOrElse(
                  n -> out.add(value(f, v, n.path("lora_path").asText(), Shape.PATH_OR_ID)),
                  () ->
                      out.add(
                          new Value(
                              f.name(), v, Shape.PATH_OR_ID, "is JSON without a \"lora_path\"")));
        } else {
          out.add(
              value(
                  f,
                  v,
                  text.contains("=") ? text.substring(text.indexOf('=') + 1) : text,
                  Shape.PATH_OR_ID));
        }
        return out;
      case TGI_LORA:
        // adapter.py parse_lora_adapters: id[=path][@revision]; the path is loaded when given.
        for (String item : text.split(",")) {
          String a = item.strip();
          if (a.isEmpty()) {
            continue;
          }
          String id = a.contains("@") ? a.substring(0, a.indexOf('@')) : a;
          out.add(
              value(
                  f,
                  v,
                  id.contains("=") ? id.substring(id.indexOf('=') + 1) : id,
                  Shape.PATH_OR_ID));
        }
        return out;
      default:
        out.add(new Value(f.name(), v, f.shape(), ""));
        return out;
    }
  }

  private static Value value(ModelFlag f, Token v, String text, Shape shape) {
    return new Value(f.name(), new Token(text, v.unseen(), v.field()), shape, "");
  }

  private static Optional<JsonNode> json(ModelFlag f, Token v) {
    try {
      JsonNode n = JSON.readTree(v.text());
      return n != null && n.isObject() ? Optional.of(n) : Optional.empty();
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }
}
