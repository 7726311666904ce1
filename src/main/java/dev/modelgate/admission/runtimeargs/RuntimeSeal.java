package dev.modelgate.admission.runtimeargs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelScheme;
import dev.modelgate.source.ModelUri;
import dev.modelgate.source.OciVolumes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code verification.sealRuntimeDownloads}: every app container that mounts a model a sealing
 * policy matches runs with {@code HF_HUB_OFFLINE=1} and {@code TRANSFORMERS_OFFLINE=1}, so a
 * Hugging Face-based runtime (huggingface_hub, transformers, vLLM, TGI's Python server, KServe's
 * huggingfaceserver) refuses to fetch anything from the Hub and reads only local files. {@link
 * #patch} is what /mutate adds; {@link #check} is what /validate requires
 * (RUNTIME_DOWNLOADS_UNSEALED).
 *
 * <p>What it covers and what not is in docs/model-sources.md: it seals the Hub client libraries,
 * not other downloaders (curl, S3 clients, llama.cpp's own HTTP fetch), and not a process that
 * unsets the variables itself; the runtime-argument inspector refuses those where it can see them.
 */
public final class RuntimeSeal {
  /** The variables, in the order /mutate adds them. */
  public static final List<String> VARIABLES = List.of("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE");

  private RuntimeSeal() {}

  /** Why the app containers mounting {@code model} are not sealed; empty when they are. */
  public static List<Failure> check(JsonNode podSpec, ModelReference model, String policy) {
    List<Failure> out = new ArrayList<>();
    Set<String> volumes = volumesOf(podSpec, model);
    JsonNode cs = podSpec.path("containers");
    for (int i = 0; i < cs.size(); i++) {
      JsonNode c = cs.get(i);
      if (!mounts(c, volumes)) {
        continue;
      }
      String name = c.path("name").asText();
      for (String var : VARIABLES) {
        Optional<String> problem = problem(c, var);
        problem.ifPresent(
            p ->
                out.add(
                    Failure.of(
                        Reason.RUNTIME_DOWNLOADS_UNSEALED,
                        "container '%s' mounts model '%s' and %s; policy %s seals runtime downloads (verification.sealRuntimeDownloads: %s=1)",
                        name,
                        model.name(),
                        p,
                        policy,
                        var)));
      }
    }
    return out;
  }

  /** What is wrong with {@code var} in container {@code c}, if anything. */
  private static Optional<String> problem(JsonNode c, String var) {
    JsonNode last = null;
    for (JsonNode e : c.path("env")) {
      if (var.equals(e.path("name").asText())) {
        last = e;
      }
    }
    for (String field : List.of("command", "args")) {
      for (JsonNode w : c.path(field)) {
        if (w.asText().contains(var)) {
          return Optional.of("its " + field + " mention " + var + ", which may change it");
        }
      }
    }
    if (last == null) {
      return Optional.of(
          "does not set "
              + var
              + (c.path("envFrom").size() > 0
                  ? " in env (envFrom may, but ModelGate cannot see it)"
                  : "")
              + " (is the /mutate webhook installed?)");
    }
    if (!last.has("value")) {
      return Optional.of("takes " + var + " from valueFrom, which ModelGate cannot see");
    }
    if (!"1".equals(last.path("value").asText())) {
      return Optional.of(
          "sets " + var + "=" + last.path("value").asText() + ", overriding the seal");
    }
    return Optional.empty();
  }

  /**
   * The JSON patch that adds the variables to every app container that mounts one of {@code
   * sealed}'s models and lacks them. A container that sets them otherwise is left as it is, for
   * /validate to deny with the value it found.
   */
  public static List<Map<String, Object>> patch(
      JsonNode podSpec, String specPointer, List<ModelReference> sealed) {
    Set<String> volumes = new LinkedHashSet<>();
    sealed.forEach(m -> volumes.addAll(volumesOf(podSpec, m)));
    List<Map<String, Object>> ops = new ArrayList<>();
    JsonNode cs = podSpec.path("containers");
    for (int i = 0; i < cs.size(); i++) {
      JsonNode c = cs.get(i);
      if (!mounts(c, volumes)) {
        continue;
      }
      String pointer = specPointer + "/containers/" + i + "/env";
      boolean hasEnv = c.path("env").isArray();
      List<Map<String, Object>> added = new ArrayList<>();
      for (String var : VARIABLES) {
        boolean present = false;
        for (JsonNode e : c.path("env")) {
          present |= var.equals(e.path("name").asText());
        }
        if (!present) {
          Map<String, Object> e = new LinkedHashMap<>();
          e.put("name", var);
          e.put("value", "1");
          added.add(e);
        }
      }
      if (added.isEmpty()) {
        continue;
      }
      if (hasEnv) {
        added.forEach(a -> ops.add(op(pointer + "/-", a)));
      } else {
        ops.add(op(pointer, added));
      }
    }
    return ops;
  }

  /**
   * The pod volumes a model is on: its volume (or every volume of its claim), or its image volume.
   */
  static Set<String> volumesOf(JsonNode podSpec, ModelReference model) {
    Set<String> out = new LinkedHashSet<>();
    Optional<ModelUri> at = model.placement().volume();
    for (JsonNode v : podSpec.path("volumes")) {
      String name = v.path("name").asText();
      String claim = v.path("persistentVolumeClaim").path("claimName").asText("");
      if (at.isPresent()) {
        ModelUri u = at.get();
        boolean named = u.scheme() == ModelScheme.VOLUME && u.location().equals(name);
        boolean onClaim =
            !claim.isEmpty()
                && (u.scheme() == ModelScheme.PVC && u.location().equals(claim)
                    || u.scheme() == ModelScheme.VOLUME
                        && claimOf(podSpec, u.location()).equals(claim));
        if (named || onClaim) {
          out.add(name);
        }
      } else if (model.uri().scheme() == ModelScheme.OCI
          && OciVolumes.of(v)
              .map(r -> ("oci://" + r.text()).equals(model.uri().toString()))
              .orElse(false)) {
        out.add(name);
      }
    }
    return out;
  }

  private static String claimOf(JsonNode podSpec, String volume) {
    for (JsonNode v : podSpec.path("volumes")) {
      if (volume.equals(v.path("name").asText())) {
        return v.path("persistentVolumeClaim").path("claimName").asText("");
      }
    }
    return "";
  }

  private static boolean mounts(JsonNode c, Set<String> volumes) {
    for (JsonNode m : c.path("volumeMounts")) {
      if (volumes.contains(m.path("name").asText())) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, Object> op(String path, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("op", "add");
    m.put("path", path);
    m.put("value", value);
    return m;
  }
}
