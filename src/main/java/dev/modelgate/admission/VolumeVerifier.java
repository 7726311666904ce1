package dev.modelgate.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.core.StrictJson;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.VolumeCheck;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelScheme;
import dev.modelgate.source.ModelUri;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Models on volumes (PVC, NFS, hostPath, CSI, and emptyDirs a downloader fills) are verified where
 * they are read: an init container running {@code modelgate verify-volume} with the model volume
 * mounted read-only, placed after the last init container that writes the volume and before
 * anything else that mounts it, so no app container starts on an unverified model. This class
 * builds that container (for /mutate) and checks at admission what can be checked there (for both
 * endpoints), each failure with its own reason: the pod mounts the volume
 * (MODEL_VOLUME_NOT_MOUNTED), the init container is present (VERIFIER_MISSING) and unchanged
 * (VERIFIER_ALTERED), no writer runs after it (VERIFIER_BEFORE_WRITER) and no reader before it
 * (MODEL_READ_BEFORE_VERIFY), a claim is mounted only at the verified path or below
 * (MOUNT_OUTSIDE_MODEL), and containers mount it read-only when the policy requires it
 * (MODEL_MOUNT_WRITABLE).
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

  /**
   * The check admission runs; with {@code injecting}, the init container is the one /mutate is
   * adding.
   */
  VolumeCheck check(
      JsonNode podSpec,
      boolean injecting,
      Function<ModelReference, List<CompiledPolicy>> matching) {
    // The engine asks once per (model, policy) pair; the expected container depends on the model
    // only.
    Map<ModelReference, JsonNode> expectedByModel = new HashMap<>();
    return (model, policy) -> {
      List<Failure> out = new ArrayList<>();
      ModelUri at = model.placement().volume().orElseThrow();
      List<String> volumes = volumeNames(podSpec, at);
      if (volumes.isEmpty()) {
        out.add(
            Failure.of(
                Reason.MODEL_VOLUME_NOT_MOUNTED,
                "the pod mounts no volume for %s (%s)",
                describe(model),
                at.scheme() == ModelScheme.PVC
                    ? "no volume with persistentVolumeClaim.claimName " + at.location()
                    : "no volume named " + at.location()));
        return out;
      }
      String volume = volumes.get(0);
      JsonNode init = podSpec.path("initContainers");
      // Where the verifier runs: its index, or for /mutate just after the last writer (where it is
      // being put).
      double position;
      JsonNode expected =
          expectedByModel.computeIfAbsent(model, m -> container(m, volume, matching.apply(m)));
      int index = injecting ? -1 : indexOf(podSpec, containerName(model));
      if (!injecting && index < 0) {
        out.add(
            Failure.of(
                Reason.VERIFIER_MISSING,
                "the ModelGate verifier init container %s is missing, so nothing would verify %s before use (is the /mutate webhook installed?)",
                containerName(model),
                describe(model)));
      } else if (!injecting && !sameVerifier(init.get(index), expected)) {
        out.add(
            Failure.of(
                Reason.VERIFIER_ALTERED,
                "init container %s does not run the verifier ModelGate would inject for %s",
                containerName(model),
                describe(model)));
        index = -1;
      }
      // Without a usable verifier, the rest is judged as if it stood where /mutate puts it.
      position = index >= 0 ? index : lastWriter(init, volumes, containerName(model)) + 0.5;
      for (int i = 0; i < init.size(); i++) {
        JsonNode c = init.get(i);
        if (isVerifier(c, expected)) {
          continue;
        }
        JsonNode mount = firstMount(c, volumes);
        if (mount == null) {
          continue;
        }
        boolean sidecar = "Always".equals(c.path("restartPolicy").asText());
        boolean writes = !sidecar && !mount.path("readOnly").asBoolean(false);
        if (i > position && writes) {
          out.add(
              Failure.of(
                  Reason.VERIFIER_BEFORE_WRITER,
                  "init container '%s' writes model volume '%s' after %s has verified it, so what the app reads is not what was verified",
                  c.path("name").asText(),
                  mount.path("name").asText(),
                  containerName(model)));
        } else if (i < position && !writes) {
          out.add(
              Failure.of(
                  Reason.MODEL_READ_BEFORE_VERIFY,
                  "%s '%s' mounts model volume '%s' before %s has verified it",
                  sidecar ? "native sidecar" : "init container",
                  c.path("name").asText(),
                  mount.path("name").asText(),
                  containerName(model)));
        }
      }
      boolean onClaim = claimOf(podSpec, at).isPresent();
      if (onClaim) {
        out.addAll(mountsOutsideModel(podSpec, at, volumes, expected));
      }
      if (policy.requireReadOnlyMounts()) {
        for (String kind : List.of("containers", "initContainers", "ephemeralContainers")) {
          JsonNode cs = podSpec.path(kind);
          for (int i = 0; i < cs.size(); i++) {
            JsonNode c = cs.get(i);
            // Init containers that write the volume before the verifier are the ones that put the
            // model
            // there (a downloader); on a claim, which outlives the pod, nothing may write (item 3
            // of DESIGN's volume rules).
            boolean writerBefore =
                kind.equals("initContainers")
                    && i < position
                    && !onClaim
                    && !"Always".equals(c.path("restartPolicy").asText());
            if (writerBefore || kind.equals("initContainers") && isVerifier(c, expected)) {
              continue;
            }
            for (JsonNode m : c.path("volumeMounts")) {
              if (volumes.contains(m.path("name").asText())
                  && !m.path("readOnly").asBoolean(false)) {
                out.add(
                    Failure.of(
                        Reason.MODEL_MOUNT_WRITABLE,
                        "container '%s' mounts model volume '%s' writable; policy %s requires read-only mounts (volumeMounts[].readOnly: true)",
                        c.path("name").asText(),
                        m.path("name").asText(),
                        policy.displayName()));
              }
            }
          }
        }
      }
      return out;
    };
  }

  /**
   * "'name' (s3://…)" for messages: the URI the workload wrote, and the volume when that is another
   * place.
   */
  private static String describe(ModelReference m) {
    ModelUri at = m.placement().volume().orElseThrow();
    return at.equals(m.uri()) ? m.uri().toString() : m.uri() + " (on " + at + ")";
  }

  /**
   * A claim holds more than the model: every volume backed by it, in every container, may mount
   * only the verified directory or below it (subPath), or the rest of the claim would be readable
   * (and, writable, a place to swap the model) without verification.
   */
  private static List<Failure> mountsOutsideModel(
      JsonNode podSpec, ModelUri at, List<String> volumes, JsonNode expected) {
    List<Failure> out = new ArrayList<>();
    String claim = claimOf(podSpec, at).orElse(at.location());
    for (String kind : List.of("initContainers", "containers", "ephemeralContainers")) {
      for (JsonNode c : podSpec.path(kind)) {
        if (kind.equals("initContainers") && isVerifier(c, expected)) {
          continue;
        }
        for (JsonNode m : c.path("volumeMounts")) {
          if (!volumes.contains(m.path("name").asText())) {
            continue;
          }
          String sub = m.path("subPath").asText("").replaceAll("^/+|/+$", "");
          if (m.has("subPathExpr")) {
            out.add(
                Failure.of(
                    Reason.MOUNT_OUTSIDE_MODEL,
                    "container '%s' mounts claim %s (volume '%s') with subPathExpr %s, which cannot be checked against the verified path '%s'",
                    c.path("name").asText(),
                    claim,
                    m.path("name").asText(),
                    m.path("subPathExpr").asText(),
                    at.path()));
          } else if (!(at.path().isEmpty()
              || sub.equals(at.path())
              || sub.startsWith(at.path() + "/"))) {
            out.add(
                Failure.of(
                    Reason.MOUNT_OUTSIDE_MODEL,
                    "container '%s' mounts claim %s (volume '%s') at %s, outside the verified model directory '%s'",
                    c.path("name").asText(),
                    claim,
                    m.path("name").asText(),
                    sub.isEmpty() ? "its root" : "subPath '" + sub + "'",
                    at.path()));
          }
        }
      }
    }
    return out;
  }

  /**
   * The index of the last init container (not a native sidecar, not this verifier) that writes one
   * of the volumes; -1 if none.
   */
  private static int lastWriter(JsonNode init, List<String> volumes, String verifierName) {
    int last = -1;
    for (int i = 0; i < init.size(); i++) {
      JsonNode c = init.get(i);
      if (verifierName.equals(c.path("name").asText())
          || "Always".equals(c.path("restartPolicy").asText())) {
        continue;
      }
      JsonNode m = firstMount(c, volumes);
      if (m != null && !m.path("readOnly").asBoolean(false)) {
        last = i;
      }
    }
    return last;
  }

  private static JsonNode firstMount(JsonNode c, List<String> volumes) {
    JsonNode writable = null;
    JsonNode any = null;
    for (JsonNode m : c.path("volumeMounts")) {
      if (volumes.contains(m.path("name").asText())) {
        any = any == null ? m : any;
        writable = writable == null && !m.path("readOnly").asBoolean(false) ? m : writable;
      }
    }
    return writable != null ? writable : any;
  }

  /**
   * A ModelGate verifier (this model's or another's): same image running {@code verify-volume}, no
   * command, no restartPolicy, every mount read-only. It may mount a whole claim; it only reads.
   */
  private static boolean isVerifier(JsonNode c, JsonNode expected) {
    if (!c.path("name").asText().startsWith(NAME_PREFIX)
        || !c.path("image").equals(expected.path("image"))
        || !"verify-volume".equals(c.path("args").path(0).asText())
        || !absent(c.path("command"))
        || !absent(c.path("restartPolicy"))) {
      return false;
    }
    for (JsonNode m : c.path("volumeMounts")) {
      if (!m.path("readOnly").asBoolean(false)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The container runs what ModelGate would inject: the same image, arguments, policies (env) and
   * read-only mount, and no command override. Fields the API server defaults (pull policy,
   * termination message path) may differ.
   */
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

  private static boolean sameVerifier(JsonNode found, JsonNode expected) {
    for (String field : COMPARED) {
      if (!found.path(field).equals(expected.path(field))) {
        return false;
      }
    }
    for (Iterator<String> names = found.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!COMPARED.contains(field) && !HARMLESS.contains(field) && !absent(found.path(field))) {
        return false;
      }
    }
    return true;
  }

  private static boolean absent(JsonNode n) {
    return n.isMissingNode() || n.isNull();
  }

  /**
   * The JSON patch that puts one verifier init container per volume model that policies match right
   * after the last init container that writes the model's volume (KServe's storage-initializer, any
   * downloader), so it checks what was written and nothing else runs first. New verifiers are added
   * in place; when one already there is stale or out of place (another webhook added a writer after
   * it), the whole init-container list is rewritten.
   */
  List<Map<String, Object>> patch(
      JsonNode podSpec, String specPointer, Map<ModelReference, List<CompiledPolicy>> models) {
    JsonNode current = podSpec.path("initContainers");
    Map<String, JsonNode> wanted = new LinkedHashMap<>();
    Map<String, List<String>> volumesOf = new LinkedHashMap<>();
    for (Map.Entry<ModelReference, List<CompiledPolicy>> e : models.entrySet()) {
      List<String> volumes = volumeNames(podSpec, e.getKey().placement().volume().orElseThrow());
      if (volumes.isEmpty() || e.getValue().isEmpty()) {
        continue;
      }
      wanted.put(containerName(e.getKey()), container(e.getKey(), volumes.get(0), e.getValue()));
      volumesOf.put(containerName(e.getKey()), volumes);
    }
    if (wanted.isEmpty()) {
      return List.of();
    }
    List<JsonNode> base = new ArrayList<>();
    current.forEach(
        c -> {
          if (!wanted.containsKey(c.path("name").asText())) {
            base.add(c);
          }
        });
    InitContainerOrder desired = new InitContainerOrder(base);
    for (Map.Entry<String, JsonNode> w : wanted.entrySet()) {
      desired.insertAfterLastWriter(w.getValue(), volumesOf.get(w.getKey()));
    }
    List<JsonNode> target = desired.list;
    List<JsonNode> now = new ArrayList<>();
    current.forEach(now::add);
    if (target.equals(now)) {
      return List.of();
    }
    List<Map<String, Object>> ops = new ArrayList<>();
    if (onlyInsertions(now, target, wanted)) {
      boolean exists = current.isArray();
      for (int i = 0; i < target.size(); i++) {
        if (!wanted.containsKey(target.get(i).path("name").asText())) {
          continue;
        }
        if (!exists) {
          ops.add(op("add", specPointer + "/initContainers", List.of(target.get(i))));
          exists = true;
        } else {
          ops.add(op("add", specPointer + "/initContainers/" + i, target.get(i)));
        }
      }
      return ops;
    }
    ops.add(op("add", specPointer + "/initContainers", target));
    return ops;
  }

  /** {@code target} is {@code now} with new verifiers added, nothing else changed or moved. */
  private static boolean onlyInsertions(
      List<JsonNode> now, List<JsonNode> target, Map<String, JsonNode> wanted) {
    List<JsonNode> rest = new ArrayList<>();
    for (JsonNode t : target) {
      boolean added =
          wanted.containsKey(t.path("name").asText())
              && now.stream().noneMatch(n -> n.path("name").equals(t.path("name")));
      if (!added) {
        rest.add(t);
      }
    }
    return rest.equals(now);
  }

  /** The init-container list being built: a verifier goes after the last writer of its volume. */
  private static final class InitContainerOrder {
    final List<JsonNode> list;
    final List<JsonNode> placed = new ArrayList<>();

    InitContainerOrder(List<JsonNode> base) {
      this.list = new ArrayList<>(base);
    }

    void insertAfterLastWriter(JsonNode verifier, List<String> volumes) {
      int last = -1;
      for (int i = 0; i < list.size(); i++) {
        JsonNode c = list.get(i);
        if ("Always".equals(c.path("restartPolicy").asText())) {
          continue;
        }
        JsonNode m = firstMount(c, volumes);
        boolean writes = m != null && !m.path("readOnly").asBoolean(false);
        // After writers, and after verifiers placed before (a stable order for two models on one
        // volume).
        if (writes || c.path("name").asText().startsWith(NAME_PREFIX) && m != null) {
          last = i;
        }
      }
      int at = last + 1;
      // Verifiers placed just before, at the same spot, keep the models' order.
      while (at < list.size() && placed.contains(list.get(at))) {
        at++;
      }
      list.add(at, verifier);
      placed.add(verifier);
    }
  }

  private JsonNode container(ModelReference model, String volume, List<CompiledPolicy> policies) {
    StringBuilder docs = new StringBuilder();
    for (CompiledPolicy p : policies) {
      docs.append(p.document().startsWith("---") ? "" : "---\n").append(p.document());
    }
    ModelUri at = model.placement().volume().orElseThrow();
    String dir = at.path().isEmpty() ? MOUNT : MOUNT + "/" + at.path();
    List<String> args =
        new ArrayList<>(
            List.of(
                "verify-volume",
                dir,
                "--model-uri",
                model.uri().toString(),
                "--model-name",
                model.name()));
    if (!model.signaturePath().isEmpty()) {
      args.addAll(List.of("--signature", dir + "/" + model.signaturePath()));
    }
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", containerName(model));
    c.put("image", image);
    c.put("args", args);
    c.put("env", List.of(Map.of("name", POLICIES_ENV, "value", docs.toString())));
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
   * Every pod volume the model is on: every volume backed by the claim, for a {@code pvc://} model
   * or a {@code volume://} model whose volume is a claim (the named volume first); else the named
   * volume. A second volume on the same claim is the same bytes, so it is bound by the same rules.
   */
  static List<String> volumeNames(JsonNode podSpec, ModelUri at) {
    List<String> out = new ArrayList<>();
    if (at.scheme() == ModelScheme.VOLUME) {
      boolean exists = false;
      for (JsonNode v : podSpec.path("volumes")) {
        exists |= at.location().equals(v.path("name").asText());
      }
      if (!exists) {
        return List.of();
      }
      out.add(at.location());
    }
    Optional<String> claim = claimOf(podSpec, at);
    for (JsonNode v : podSpec.path("volumes")) {
      String name = v.path("name").asText();
      if (claim.isPresent()
          && claim.get().equals(v.path("persistentVolumeClaim").path("claimName").asText())
          && !out.contains(name)) {
        out.add(name);
      }
    }
    return out;
  }

  /**
   * The claim the model lives on, if any: a {@code pvc://} model's, or that of the volume a {@code
   * volume://} model names.
   */
  static Optional<String> claimOf(JsonNode podSpec, ModelUri at) {
    if (at.scheme() == ModelScheme.PVC) {
      return Optional.of(at.location());
    }
    for (JsonNode v : podSpec.path("volumes")) {
      if (at.scheme() == ModelScheme.VOLUME && at.location().equals(v.path("name").asText())) {
        String claim = v.path("persistentVolumeClaim").path("claimName").asText("");
        return claim.isEmpty() ? Optional.empty() : Optional.of(claim);
      }
    }
    return Optional.empty();
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
