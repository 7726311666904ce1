package dev.modelgate.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.VolumeCheck;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelScheme;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Models on volumes (PVC, NFS, hostPath, CSI) are verified where they are read: an init container
 * running {@code modelgate verify-volume} with the model volume mounted read-only, placed first, so
 * no app container starts on an unverified model. This class builds that container (for /mutate)
 * and checks at admission what can be checked there (for both endpoints): the pod mounts the
 * volume, the init container is present and unchanged, and app containers mount it read-only when
 * the policy requires it.
 */
public final class VolumeVerifier {
  public static final String NAME_PREFIX = "modelgate-verify-";
  public static final String POLICIES_ENV = "MODELGATE_POLICIES";
  static final String MOUNT = "/modelgate/model";

  private final String image;

  public VolumeVerifier(String image) {
    this.image = image;
  }

  public static String containerName(ModelReference m) {
    String n = (NAME_PREFIX + m.name()).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    n = n.length() > 63 ? n.substring(0, 63) : n;
    return n.replaceAll("-+$", "");
  }

  /** The check admission runs; with {@code injecting}, the init container is the one /mutate is adding. */
  VolumeCheck check(JsonNode podSpec, boolean injecting, java.util.function.Function<ModelReference, List<CompiledPolicy>> matching) {
    // The engine asks once per (model, policy) pair; the expected container depends on the model only.
    Map<ModelReference, JsonNode> expectedByModel = new java.util.HashMap<>();
    return (model, policy) -> {
      List<Failure> out = new ArrayList<>();
      String volume = volumeName(podSpec, model);
      if (volume == null) {
        out.add(Failure.of(Reason.MODEL_SOURCE_UNSUPPORTED, "the pod mounts no volume for %s (%s)", model.uri(),
            model.uri().scheme() == ModelScheme.PVC ? "no volume with persistentVolumeClaim.claimName " + model.uri().location() : "no volume named " + model.uri().location()));
        return out;
      }
      if (!injecting) {
        JsonNode expected = expectedByModel.computeIfAbsent(model, m -> container(m, volume, matching.apply(m)));
        int index = indexOf(podSpec, containerName(model));
        if (index < 0) {
          out.add(Failure.of(Reason.MODEL_SOURCE_UNSUPPORTED, "the ModelGate verifier init container %s is missing, so nothing would verify %s before use (is the /mutate webhook installed?)", containerName(model), model.uri()));
        } else if (!sameVerifier(podSpec.path("initContainers").get(index), expected)) {
          out.add(Failure.of(Reason.MODEL_SOURCE_UNSUPPORTED, "init container %s does not run the verifier ModelGate would inject for %s", containerName(model), model.uri()));
        } else {
          readersBefore(podSpec, index, volume, expected).forEach(name -> out.add(Failure.of(Reason.MODEL_SOURCE_UNSUPPORTED,
              "init container '%s' mounts model volume '%s' before %s has verified it", name, volume, containerName(model))));
        }
      }
      if (policy.requireReadOnlyMounts()) {
        for (String kind : List.of("containers", "initContainers", "ephemeralContainers")) {
          JsonNode cs = podSpec.path(kind);
          for (int i = 0; i < cs.size(); i++) {
            JsonNode c = cs.get(i);
            for (JsonNode m : c.path("volumeMounts")) {
              if (volume.equals(m.path("name").asText()) && !m.path("readOnly").asBoolean(false)) {
                out.add(Failure.of(Reason.MODEL_SOURCE_UNSUPPORTED, "container '%s' mounts model volume '%s' writable; policy %s requires read-only mounts (volumeMounts[].readOnly: true)",
                    c.path("name").asText(), volume, policy.displayName()));
              }
            }
          }
        }
      }
      return out;
    };
  }

  /**
   * The container runs what ModelGate would inject: the same image, arguments, policies (env) and
   * read-only mount, and no command override. Fields the API server defaults (pull policy,
   * termination message path) may differ.
   */
  private static boolean sameVerifier(JsonNode found, JsonNode expected) {
    for (String field : List.of("image", "args", "env", "volumeMounts")) {
      if (!found.path(field).equals(expected.path(field))) {
        return false;
      }
    }
    // A restartPolicy (Always) would turn it into a sidecar that no longer blocks the app.
    return absent(found.path("command")) && absent(found.path("restartPolicy"));
  }

  private static boolean absent(JsonNode n) {
    return n.isMissingNode() || n.isNull();
  }

  /**
   * Init containers that run before the verifier and mount the model volume: they would see the
   * model unverified. Other ModelGate verifiers (same image, no command, read-only) may come first.
   */
  private static List<String> readersBefore(JsonNode podSpec, int verifierIndex, String volume, JsonNode expected) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < verifierIndex; i++) {
      JsonNode c = podSpec.path("initContainers").get(i);
      boolean otherVerifier = c.path("name").asText().startsWith(NAME_PREFIX) && c.path("image").equals(expected.path("image"))
          && absent(c.path("command")) && absent(c.path("restartPolicy"));
      for (JsonNode m : c.path("volumeMounts")) {
        if (volume.equals(m.path("name").asText()) && !(otherVerifier && m.path("readOnly").asBoolean(false))) {
          out.add(c.path("name").asText());
          break;
        }
      }
    }
    return out;
  }

  /** The JSON patch adding (or updating) one init container per volume model that policies match. */
  List<Map<String, Object>> patch(JsonNode podSpec, String specPointer, Map<ModelReference, List<CompiledPolicy>> models) {
    List<Map<String, Object>> ops = new ArrayList<>();
    boolean hasInit = podSpec.path("initContainers").isArray();
    int inserted = 0;
    for (Map.Entry<ModelReference, List<CompiledPolicy>> e : models.entrySet()) {
      String volume = volumeName(podSpec, e.getKey());
      if (volume == null || e.getValue().isEmpty()) {
        continue;
      }
      JsonNode wanted = container(e.getKey(), volume, e.getValue());
      int index = indexOf(podSpec, containerName(e.getKey()));
      if (index >= 0) {
        if (!podSpec.path("initContainers").get(index).equals(wanted)) {
          ops.add(op("replace", specPointer + "/initContainers/" + index, wanted));
        }
        continue;
      }
      if (!hasInit && inserted == 0) {
        ops.add(op("add", specPointer + "/initContainers", List.of(wanted)));
      } else {
        // First, before init containers that might read the model (e.g. KServe's storage initializer).
        ops.add(op("add", specPointer + "/initContainers/" + inserted, wanted));
      }
      inserted++;
    }
    return ops;
  }

  private JsonNode container(ModelReference model, String volume, List<CompiledPolicy> policies) {
    StringBuilder docs = new StringBuilder();
    for (CompiledPolicy p : policies) {
      docs.append(p.document().startsWith("---") ? "" : "---\n").append(p.document());
    }
    String dir = model.uri().path().isEmpty() ? MOUNT : MOUNT + "/" + model.uri().path();
    List<String> args = new ArrayList<>(List.of("verify-volume", dir, "--model-uri", model.uri().toString(), "--model-name", model.name()));
    if (!model.signaturePath().isEmpty()) {
      args.addAll(List.of("--signature", dir + "/" + model.signaturePath()));
    }
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", containerName(model));
    c.put("image", image);
    c.put("args", args);
    c.put("env", List.of(Map.of("name", POLICIES_ENV, "value", docs.toString())));
    c.put("volumeMounts", List.of(Map.of("name", volume, "mountPath", MOUNT, "readOnly", true)));
    c.put("resources", Map.of("requests", Map.of("cpu", "100m", "memory", "128Mi"), "limits", Map.of("memory", "512Mi")));
    c.put("securityContext", Map.of("allowPrivilegeEscalation", false, "readOnlyRootFilesystem", true, "capabilities", Map.of("drop", List.of("ALL"))));
    c.put("terminationMessagePolicy", "File");
    return dev.modelgate.core.StrictJson.mapper().valueToTree(c);
  }

  static String volumeName(JsonNode podSpec, ModelReference m) {
    for (JsonNode v : podSpec.path("volumes")) {
      if (m.uri().scheme() == ModelScheme.VOLUME && m.uri().location().equals(v.path("name").asText())) {
        return v.path("name").asText();
      }
      if (m.uri().scheme() == ModelScheme.PVC && m.uri().location().equals(v.path("persistentVolumeClaim").path("claimName").asText())) {
        return v.path("name").asText();
      }
    }
    return null;
  }

  private static int indexOf(JsonNode podSpec, String name) {
    JsonNode init = podSpec.path("initContainers");
    for (int i = 0; i < init.size(); i++) {
      if (name.equals(init.get(i).path("name").asText())) {
        return i;
      }
    }
    return -1;
  }

  private static Map<String, Object> op(String op, String path, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("op", op);
    m.put("path", path);
    m.put("value", value);
    return m;
  }
}
