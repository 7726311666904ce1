package dev.modelgate.admission.runtimeargs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.admission.runtimeargs.ModelFlag.Shape;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Printable;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelUri;
import dev.modelgate.source.Placement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The models a pod's serving runtimes load by their own arguments (issue 21: "the runtime's own
 * model arguments are models"). For each app container that runs a known runtime ({@link
 * ServingRuntime}, recognised by {@link Invocation}), each model value is:
 *
 * <ul>
 *   <li>a path inside a model ModelGate already verifies: that model, nothing added;
 *   <li>a path on another volume: an implicit {@code volume://<volume>/<path>} model, verified in
 *       the pod as if annotated;
 *   <li>a hub ID, URL, remote repository, a path in the container image, or a value ModelGate
 *       cannot see or read: a model the server loads unverified, refused as {@code
 *       RUNTIME_MODEL_SOURCE} naming container, flag and value.
 * </ul>
 *
 * Runtimes that take adapters through their API (vLLM with {@code
 * VLLM_ALLOW_RUNTIME_LORA_UPDATING}, AIBrix's {@code aibrix_runtime} and production-stack's LoRA
 * sidecar, Triton's explicit model control) add one {@link Placement.Stage#RUNTIME_ADAPTERS} model,
 * which only a policy that allows runtime adapter loading admits. A {@code sh -c} script is read
 * where ModelGate can; one it cannot read that mentions a runtime is refused.
 */
public final class RuntimeSources {
  private final JsonNode spec;
  private final String prefix;
  private final MountCoverage coverage;
  private final List<ModelReference> found = new ArrayList<>();
  private final List<CoveredRead> covered = new ArrayList<>();
  private final Set<String> names = new HashSet<>();

  private RuntimeSources(JsonNode spec, String prefix, List<ModelReference> models) {
    this.spec = spec;
    this.prefix = prefix;
    this.coverage = new MountCoverage(spec, models);
    models.forEach(m -> names.add(m.name()));
  }

  /**
   * What the runtimes of pod spec {@code spec} (at {@code prefix}, e.g. {@code spec.template.})
   * load by their arguments, given the models already found in the pod: the models they add, and
   * the arguments that name a path inside a model already found ({@code reads}: covered by that
   * model's verification, except where its policy exempts the path, which admission checks).
   */
  public record Found(List<ModelReference> models, List<CoveredRead> reads) {
    public Found {
      models = List.copyOf(models);
      reads = List.copyOf(reads);
    }
  }

  /** {@link Found}, from one reading of the runtimes' arguments. */
  public static Found find(JsonNode spec, String prefix, List<ModelReference> models) {
    RuntimeSources r = read(spec, prefix, models);
    return new Found(r.found, r.covered);
  }

  private static RuntimeSources read(JsonNode spec, String prefix, List<ModelReference> models) {
    RuntimeSources r = new RuntimeSources(spec, prefix, models);
    JsonNode cs = spec.path("containers");
    for (int i = 0; i < cs.size(); i++) {
      r.container(cs.get(i), prefix + "spec.containers[" + i + "]");
    }
    return r;
  }

  private void container(JsonNode c, String where) {
    String name = c.path("name").asText();
    ContainerEnv env = new ContainerEnv(c);
    List<Token> command = tokens(c.path("command"), where + ".command", env);
    List<Token> args = tokens(c.path("args"), where + ".args", env);
    List<Token> argv = new ArrayList<>(command);
    argv.addAll(args);
    List<Invocation> invocations = new ArrayList<>();
    Optional<ShellCall> shell = ShellCall.of(argv);
    if (shell.isPresent()) {
      ShellScript.Parsed parsed =
          ShellScript.parse(
              shell.get().script().text(),
              env,
              shell.get().positional(),
              shell.get().script().field());
      Optional<String> mentioned = Invocation.mentioned(shell.get().script().text());
      if (parsed.problem().isPresent() && mentioned.isPresent()) {
        refuse(
            name,
            "script",
            shell.get().script(),
            "unreadable://" + name,
            String.format(
                Locale.ROOT,
                "container '%s' runs a shell script that mentions %s but %s: ModelGate cannot tell which model it loads (run the server without a shell, or with a plain command line)",
                name,
                mentioned.get(),
                parsed.problem().get()));
        return;
      }
      for (ShellScript.Command cmd : parsed.commands()) {
        Invocation.of(cmd.words(), cmd.assignments()).ifPresent(invocations::add);
      }
    } else if (command.isEmpty()) {
      Invocation.ofEntrypoint(args, env).ifPresent(invocations::add);
    } else {
      Invocation.of(argv, Map.of()).ifPresent(invocations::add);
    }
    for (Invocation inv : invocations) {
      for (ModelArguments.Value v : ModelArguments.of(inv, env, where + ".env")) {
        value(c, name, inv.runtime(), v);
      }
    }
    adapters(name, where, env, command, invocations);
  }

  private void value(JsonNode c, String container, ServingRuntime rt, ModelArguments.Value v) {
    Token t = v.value();
    String shown = v.flag() + " " + Printable.escape(t.text());
    String about = "container '" + container + "' runs " + rt.label() + " with " + shown;
    String fix =
        "; nothing verifies it before use (serve the model from a verified volume or image volume and point "
            + v.flag()
            + " at its mount)";
    if (!v.unreadable().isEmpty()) {
      refuse(
          container,
          v.flag(),
          t,
          "unreadable://" + container,
          about
              + ", whose value "
              + v.unreadable()
              + ": ModelGate cannot tell which model it names");
      return;
    }
    if (!t.known()) {
      refuse(
          container,
          v.flag(),
          t,
          "unseen://" + container,
          about
              + ": its value comes from "
              + t.unseen()
              + ", which ModelGate cannot see at admission"
              + fix);
      return;
    }
    String text = t.text();
    if (v.shape() == Shape.CONFIG_FILE) {
      refuse(
          container,
          v.flag(),
          t,
          "unreadable://" + container,
          about
              + ": the server reads more arguments (a model among them) from that file, which ModelGate cannot read at admission");
      return;
    }
    if (v.flag().equals(ModelArguments.NO_MODEL)) {
      refuse(
          container,
          "no-model-argument",
          t,
          "default://" + rt.name().toLowerCase(Locale.ROOT).replace('_', '-'),
          "container '"
              + container
              + "' runs "
              + rt.label()
              + " with no model argument, so it serves "
              + text
              + ", which it downloads from the Hub when it starts; nothing verifies it before use (name a model in a verified mount)");
      return;
    }
    if (text.startsWith("file://")) {
      text = text.substring("file://".length());
    }
    if (text.startsWith("/") && v.shape() != Shape.URL && v.shape() != Shape.REMOTE_REPO) {
      MountCoverage.Where where = coverage.of(c, text);
      if (where.coveredBy().isPresent()) {
        where
            .inModel()
            .ifPresent(
                in ->
                    covered.add(
                        new CoveredRead(
                            where.coveredBy().get(), in, container, v.flag(), t.text())));
        return;
      }
      if (where.onVolume().isPresent()) {
        implicit(container, v.flag(), t, where.onVolume().get());
        return;
      }
      refuse(
          container,
          v.flag(),
          t,
          "image://" + container + java.nio.file.Path.of(text).normalize(),
          about + ": " + where.problem() + fix);
      return;
    }
    boolean url = text.matches("[A-Za-z][A-Za-z0-9+.-]*://.+");
    String kind;
    if (url) {
      kind = "a URL the server downloads when it starts";
    } else if (v.shape() == Shape.REMOTE_REPO) {
      kind = "a remote repository the server downloads when it starts";
    } else if (v.shape() == Shape.PATH) {
      kind =
          "a path relative to the working directory, in the container image, which ModelGate does not verify";
    } else {
      kind =
          "a Hugging Face Hub ID (or a path relative to the working directory), which the server downloads (or reads from its image) when it starts";
    }
    String uri = url ? text : "hf://" + text;
    refuse(container, v.flag(), t, uri, about + ": " + kind + fix);
  }

  private void adapters(
      String container,
      String where,
      ContainerEnv env,
      List<Token> command,
      List<Invocation> invocations) {
    AdapterLoading.of(env, command, invocations)
        .ifPresent(
            why ->
                add(
                    new ModelReference(
                            unique(container + "-runtime-adapters"),
                            ModelUri.download("runtime-adapters://" + container),
                            "",
                            where)
                        .withPlacement(
                            Placement.runtimeAdapters(
                                "container '"
                                    + container
                                    + "' "
                                    + why
                                    + "; nothing verifies those adapters"))));
  }

  private void implicit(String container, String flag, Token t, ModelUri at) {
    add(new ModelReference(unique(container + "-" + flag), at, "", t.field()));
  }

  private void refuse(String container, String flag, Token t, String uri, String why) {
    ModelUri u;
    try {
      u =
          ModelUri.download(
              uri.length() > ModelUri.MAX_LENGTH ? uri.substring(0, ModelUri.MAX_LENGTH) : uri);
    } catch (InvalidInputException e) {
      u = ModelUri.download("unreadable://" + container);
    }
    add(
        new ModelReference(unique(container + "-" + flag), u, "", t.field())
            .withPlacement(Placement.runtime(why)));
  }

  private void add(ModelReference m) {
    found.add(m);
  }

  /** A model name from container and flag, unique in the pod (verifier containers take it). */
  private String unique(String base) {
    String n =
        base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("^-+|-+$", "");
    n = n.length() > 40 ? n.substring(0, 40).replaceAll("-+$", "") : n;
    String candidate = n;
    for (int i = 2; !names.add(candidate); i++) {
      candidate = n + "-" + i;
    }
    return candidate;
  }

  private static List<Token> tokens(JsonNode list, String field, ContainerEnv env) {
    List<Token> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      out.add(env.expand(list.get(i).asText(), field + "[" + i + "]"));
    }
    return out;
  }

  /** {@code sh -c SCRIPT [$0 $1 …]}, as a command line starts it. */
  record ShellCall(Token script, List<String> positional) {
    private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "ash", "zsh");

    static Optional<ShellCall> of(List<Token> argv) {
      if (argv.isEmpty() || !SHELLS.contains(Invocation.basename(argv.get(0).text()))) {
        return Optional.empty();
      }
      for (int i = 1; i < argv.size(); i++) {
        String w = argv.get(i).text();
        if (!w.startsWith("-")) {
          return Optional.empty();
        }
        if (w.matches("-[a-z]*c[a-z]*") && i + 1 < argv.size()) {
          List<String> rest = new ArrayList<>();
          argv.subList(i + 2, argv.size()).forEach(t -> rest.add(t.text()));
          return Optional.of(new ShellCall(argv.get(i + 1), rest));
        }
      }
      return Optional.empty();
    }
  }
}
