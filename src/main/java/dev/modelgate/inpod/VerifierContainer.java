package dev.modelgate.inpod;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.StrictJson;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.source.DownloadSelection;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelUri;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The protocol between the webhook and the verifier it injects, spelled once: the init container
 * /mutate adds (image, arguments, policies in the environment, the read-only mount, resources and
 * security context), what {@code modelgate verify-volume} reads of it (its option names are these
 * constants), and the reading back of a container found in a pod ({@link #parse}), so the two ends
 * cannot drift apart.
 */
public final class VerifierContainer {
  /** Every verifier's name starts so; the rest is the model's name. */
  public static final String NAME_PREFIX = "modelgate-verify-";

  /** The subcommand the verifier runs (its first argument; the image's entrypoint is modelgate). */
  public static final String COMMAND = "verify-volume";

  /** The environment variable holding the matching policies (and their trust roots) as YAML. */
  public static final String POLICIES_ENV = "MODELGATE_POLICIES";

  /** Option: the model as the workload names it, for messages and the outcome record. */
  public static final String MODEL_URI = "--model-uri";

  /** Option: the model's logical name. */
  public static final String MODEL_NAME = "--model-name";

  /** Option: the OMS bundle when it is not {@code model.sig} in the model directory. */
  public static final String SIGNATURE = "--signature";

  /**
   * Option, given as {@code --allow-pattern=P} once per pattern: the download was restricted to the
   * files these patterns select ({@code STORAGE_ALLOW_PATTERNS}), so the part downloaded is
   * verified. One argument each, so a pattern is never read as an option.
   */
  public static final String ALLOW_PATTERN = "--allow-pattern";

  /** Where the model's volume is mounted in the verifier. */
  public static final String MOUNT = "/modelgate/model";

  /** The image the injected verifier runs unless configured otherwise. */
  public static final String DEFAULT_IMAGE = "ghcr.io/modelgate/modelgate:0.1.0";

  /** Fields compared with what /mutate would inject now. */
  private static final List<String> COMPARED = List.of("image", "args", "env", "volumeMounts");

  /**
   * Fields a verifier may carry beyond the compared ones: set by /mutate or defaulted by the API
   * server, and unable to change what the verifier decides. Anything else (envFrom, which could set
   * JAVA_TOOL_OPTIONS to load an agent from the very volume being verified; command; workingDir;
   * lifecycle; restartPolicy, which would make it a sidecar that no longer blocks the app) makes it
   * another container.
   */
  private static final Set<String> HARMLESS =
      Set.of(
          "name",
          "resources",
          "securityContext",
          "terminationMessagePath",
          "terminationMessagePolicy",
          "imagePullPolicy");

  private final String image;

  public VerifierContainer(String image) {
    this.image = image;
  }

  /** The verifier's container name for {@code m}: a DNS label (63 characters at most). */
  public static String name(ModelReference m) {
    String n = (NAME_PREFIX + m.name()).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    n = n.length() > 63 ? n.substring(0, 63) : n;
    return n.replaceAll("-+$", "");
  }

  /** The model directory as the verifier sees it: the mount, and the path on the volume. */
  static String directory(ModelReference model) {
    ModelUri at = model.placement().volume().orElseThrow();
    return at.path().isEmpty() ? MOUNT : MOUNT + "/" + at.path();
  }

  /**
   * What the verifier is asked to do, as its arguments say it; {@code allowPatterns} restrict it to
   * the part of the model a download selected (empty: the whole model).
   */
  public record Invocation(
      String directory,
      String modelUri,
      String modelName,
      Optional<String> signature,
      List<String> allowPatterns) {
    public Invocation {
      allowPatterns = List.copyOf(allowPatterns);
    }

    public Invocation(
        String directory, String modelUri, String modelName, Optional<String> signature) {
      this(directory, modelUri, modelName, signature, List.of());
    }

    /** The arguments, as the container carries them. */
    public List<String> args() {
      List<String> args =
          new ArrayList<>(List.of(COMMAND, directory, MODEL_URI, modelUri, MODEL_NAME, modelName));
      signature.ifPresent(s -> args.addAll(List.of(SIGNATURE, s)));
      allowPatterns.forEach(p -> args.add(ALLOW_PATTERN + "=" + p));
      return args;
    }

    /** The invocation for {@code model}, on its volume. */
    public static Invocation of(ModelReference model) {
      String dir = VerifierContainer.directory(model);
      return new Invocation(
          dir,
          model.uri().toString(),
          model.name(),
          model.signaturePath().isEmpty()
              ? Optional.empty()
              : Optional.of(dir + "/" + model.signaturePath()),
          model.placement().selection().map(DownloadSelection::patterns).orElse(List.of()));
    }

    /**
     * The same, checking the whole model: what a verifier injected before partial downloads ran.
     */
    Invocation whole() {
      return new Invocation(directory, modelUri, modelName, signature);
    }

    /** The restricted download this invocation verifies, if any, matched as its downloader does. */
    public Optional<DownloadSelection> selection() {
      return DownloadSelection.forVerifier(allowPatterns, modelUri);
    }

    /**
     * Reads back the arguments /mutate spells, in their order and nothing else: empty for any other
     * list, so a container that asks the verifier something else is not taken for one.
     */
    public static Optional<Invocation> parse(JsonNode args) {
      List<String> a = new ArrayList<>();
      for (JsonNode n : args) {
        if (!n.isTextual()) {
          return Optional.empty();
        }
        a.add(n.asText());
      }
      if (a.size() < 6
          || !a.get(0).equals(COMMAND)
          || !a.get(2).equals(MODEL_URI)
          || !a.get(4).equals(MODEL_NAME)) {
        return Optional.empty();
      }
      boolean signed = a.size() >= 8 && a.get(6).equals(SIGNATURE);
      List<String> patterns = new ArrayList<>();
      for (String rest : a.subList(signed ? 8 : 6, a.size())) {
        if (!rest.startsWith(ALLOW_PATTERN + "=")) {
          return Optional.empty();
        }
        patterns.add(rest.substring(ALLOW_PATTERN.length() + 1));
      }
      return Optional.of(
          new Invocation(
              a.get(1),
              a.get(3),
              a.get(5),
              signed ? Optional.of(a.get(7)) : Optional.empty(),
              patterns));
    }
  }

  /**
   * The model the verifier is asked about, as {@link #MODEL_NAME} and {@link #MODEL_URI} name it:
   * the URI the workload wrote, which for a download is its own (s3://, hf://, https://...).
   */
  public static ModelReference model(String name, String uri) {
    ModelUri parsed;
    try {
      parsed = ModelUri.parse(uri);
    } catch (InvalidInputException e) {
      parsed = ModelUri.download(uri);
    }
    return new ModelReference(name, parsed, "", "");
  }

  /** The policy documents the verifier compiles again, as one YAML stream. */
  static String policyDocuments(List<CompiledPolicy> policies) {
    StringBuilder docs = new StringBuilder();
    for (CompiledPolicy p : policies) {
      docs.append(p.document().startsWith("---") ? "" : "---\n").append(p.document());
    }
    return docs.toString();
  }

  /** The init container that verifies {@code model}, on pod volume {@code volume}, for policies. */
  JsonNode spell(ModelReference model, String volume, List<CompiledPolicy> policies) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", name(model));
    c.put("image", image);
    c.put("args", Invocation.of(model).args());
    c.put("env", List.of(Map.of("name", POLICIES_ENV, "value", policyDocuments(policies))));
    c.put("volumeMounts", List.of(Map.of("name", volume, "mountPath", MOUNT, "readOnly", true)));
    c.put(
        "resources",
        Map.of(
            "requests",
            Map.of("cpu", "100m", "memory", "128Mi"),
            "limits",
            Map.of("memory", "512Mi")));
    c.put(
        "securityContext",
        Map.of(
            "allowPrivilegeEscalation",
            false,
            "readOnlyRootFilesystem",
            true,
            "capabilities",
            Map.of("drop", List.of("ALL"))));
    c.put("terminationMessagePolicy", "File");
    return StrictJson.mapper().valueToTree(c);
  }

  /**
   * A ModelGate verifier (this model's or another's): same image running {@code verify-volume}, no
   * command, no restartPolicy, every mount read-only. It may mount a whole claim; it only reads.
   */
  static boolean isVerifier(JsonNode c, JsonNode expected) {
    if (!c.path("name").asText().startsWith(NAME_PREFIX)
        || !c.path("image").equals(expected.path("image"))
        || !COMMAND.equals(c.path("args").path(0).asText())
        || !absent(c.path("command"))
        || !absent(c.path("restartPolicy"))) {
      return false;
    }
    return readOnly(c);
  }

  /**
   * The container runs what ModelGate would inject: the same image, arguments, policies (env) and
   * read-only mount, and no command override. Fields the API server defaults (pull policy,
   * termination message path) may differ.
   */
  static boolean same(JsonNode found, JsonNode expected) {
    for (String field : COMPARED) {
      if (!found.path(field).equals(expected.path(field))) {
        return false;
      }
    }
    return onlyKnownFields(found);
  }

  /**
   * The container is a verifier ModelGate injected for {@code model} on {@code volume}, with
   * whatever image and policies it was given then: the verifier of a running pod, which ran under
   * the policies of the pod's creation. Its arguments name this model, it mounts only this volume,
   * read-only, at the verifier's mount, its policies are in {@link #POLICIES_ENV} alone, and it
   * carries no field that could change what it runs.
   */
  static boolean injectedFor(JsonNode found, ModelReference model, String volume) {
    Optional<Invocation> asked = Invocation.parse(found.path("args"));
    JsonNode env = found.path("env");
    JsonNode mounts = found.path("volumeMounts");
    return found.path("name").asText().equals(name(model))
        && found.path("image").isTextual()
        && asked.isPresent()
        && (asked.get().equals(Invocation.of(model))
            // A verifier of the whole model (injected before partial downloads were verified in
            // part) checks more, never less: the running pod it started is not denied for it.
            || asked.get().equals(Invocation.of(model).whole()))
        && env.isArray()
        && env.size() == 1
        && POLICIES_ENV.equals(env.get(0).path("name").asText())
        && env.get(0).path("value").isTextual()
        && env.get(0).size() == 2
        && mounts.isArray()
        && mounts.size() == 1
        && volume.equals(mounts.get(0).path("name").asText())
        && MOUNT.equals(mounts.get(0).path("mountPath").asText())
        && mounts.get(0).path("readOnly").asBoolean(false)
        && !mounts.get(0).has("subPath")
        && !mounts.get(0).has("subPathExpr")
        && onlyKnownFields(found);
  }

  private static boolean onlyKnownFields(JsonNode found) {
    for (Iterator<String> names = found.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!COMPARED.contains(field) && !HARMLESS.contains(field) && !absent(found.path(field))) {
        return false;
      }
    }
    return true;
  }

  private static boolean readOnly(JsonNode c) {
    for (JsonNode m : c.path("volumeMounts")) {
      if (!m.path("readOnly").asBoolean(false)) {
        return false;
      }
    }
    return true;
  }

  private static boolean absent(JsonNode n) {
    return n.isMissingNode() || n.isNull();
  }
}
