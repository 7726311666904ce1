package dev.modelgate.inpod;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.Failure;
import dev.modelgate.core.FieldPath;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.IgnoreRules;
import dev.modelgate.oms.RelativePath;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.Finding;
import dev.modelgate.policy.VolumeCheck;
import dev.modelgate.source.DownloadSelection;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelScheme;
import dev.modelgate.source.ModelUri;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Models on volumes (PVC, NFS, hostPath, CSI, and emptyDirs a downloader fills) are verified where
 * they are read: an init container running {@code modelgate verify-volume} ({@link
 * VerifierContainer}) with the model volume mounted read-only, placed after the last init container
 * that writes the volume and before anything else that mounts it ({@link InitContainerOrder}), so
 * no app container starts on an unverified model. This class adds that container (for /mutate) and
 * checks at admission what can be checked there (for both endpoints), each failure with its own
 * reason: the pod mounts the volume (MODEL_VOLUME_NOT_MOUNTED), the init container is present
 * (VERIFIER_MISSING) and unchanged (VERIFIER_ALTERED), no writer runs after it
 * (VERIFIER_BEFORE_WRITER) and no reader before it (MODEL_READ_BEFORE_VERIFY), and the mount rules
 * of {@link VolumeRules}.
 */
public final class VolumeVerifier {
  /** What admission is looking at, which decides what the verifier in it is compared with. */
  public enum Stage {
    /** /mutate on a new pod or a template: the verifier is the one being added. */
    INJECTING,
    /** A new pod or a template: the verifier must be the one ModelGate would inject now. */
    ADMITTING,
    /**
     * An update of a running pod whose init containers and volumes are unchanged: its verifier ran
     * under the policies of the pod's creation and cannot be replaced, so it must be the one
     * ModelGate injected for each model, with whatever policies it carried (background verification
     * reports drift from today's policies). Its containers cannot change either, so the mount rules
     * judge only its ephemeral containers (the ones an update can add); everything else is judged
     * as for a new pod.
     */
    RUNNING
  }

  private final VerifierContainer containers;

  public VolumeVerifier(String image) {
    this.containers = new VerifierContainer(image);
  }

  /**
   * True when an update leaves what the verifier protects as it was: the init containers and the
   * volumes of the pod spec are those of the object before.
   */
  public static boolean unchanged(JsonNode podSpec, JsonNode oldPodSpec) {
    return oldPodSpec.isObject()
        && podSpec.path("initContainers").equals(oldPodSpec.path("initContainers"))
        && podSpec.path("volumes").equals(oldPodSpec.path("volumes"));
  }

  /**
   * The check admission runs at {@code stage}; {@code matching} holds each volume model's ready
   * policies, computed once for the review.
   */
  public VolumeCheck check(
      JsonNode podSpec, Stage stage, Map<ModelReference, List<CompiledPolicy>> matching) {
    // The engine asks once per (model, policy) pair; the verifier depends on the model only.
    Map<ModelReference, JsonNode> expectedByModel = new HashMap<>();
    return (model, policy) -> {
      List<Failure> out = new ArrayList<>();
      ModelUri at = model.placement().volume().orElseThrow();
      List<String> volumes = VolumeRules.volumeNames(podSpec, at);
      if (volumes.isEmpty()) {
        out.add(notMounted(podSpec, model, at));
        return out;
      }
      String volume = volumes.get(0);
      if (stage != Stage.RUNNING) {
        out.addAll(PartialDownloads.check(model, stage == Stage.INJECTING));
      }
      List<JsonNode> init = new ArrayList<>();
      podSpec.path("initContainers").forEach(init::add);
      String name = VerifierContainer.name(model);
      int index = stage == Stage.INJECTING ? -1 : indexOf(init, name);
      JsonNode expected =
          stage == Stage.RUNNING && index >= 0
              ? init.get(index)
              : expectedByModel.computeIfAbsent(
                  model, m -> containers.spell(m, volume, matching.getOrDefault(m, List.of())));
      if (stage != Stage.INJECTING && index < 0) {
        if (stage == Stage.ADMITTING) {
          out.add(
              Failure.of(
                  Reason.VERIFIER_MISSING,
                  "the ModelGate verifier init container %s is missing, so nothing would verify %s before use (is the /mutate webhook installed?)",
                  name,
                  describe(model)));
        }
      } else if (stage == Stage.ADMITTING && !VerifierContainer.same(init.get(index), expected)
          || stage == Stage.RUNNING
              && !VerifierContainer.injectedFor(init.get(index), model, volume)) {
        out.add(
            Failure.of(
                Reason.VERIFIER_ALTERED,
                "init container %s does not run the verifier ModelGate would inject for %s",
                name,
                describe(model)));
        index = -1;
      }
      // Without a usable verifier, the rest is judged as if it stood where /mutate puts it.
      Set<String> readOnly = InitContainerOrder.readOnlyVolumes(podSpec);
      double position =
          index >= 0 ? index : InitContainerOrder.lastWriter(init, volumes, name, readOnly) + 0.5;
      out.addAll(order(init, volumes, readOnly, position, expected, name));
      boolean onClaim = VolumeRules.claimOf(podSpec, at).isPresent();
      boolean running = stage == Stage.RUNNING;
      out.addAll(VolumeRules.mountsOutsideModel(podSpec, at, volumes, position, expected, running));
      if (policy.requireReadOnlyMounts()) {
        out.addAll(
            VolumeRules.writableMounts(
                podSpec, volumes, position, onClaim, expected, policy, running));
      }
      return out;
    };
  }

  /**
   * A running pod with a model on a volume and no verifier for it (it started before ModelGate, or
   * before a policy matched the model): its init containers cannot be changed, so an update of it
   * is not denied for that; it is admitted with a warning that the model was not verified in the
   * pod, which background verification reports too, until the pod is recreated.
   */
  public static List<Finding> startedUnverified(
      JsonNode podSpec, Map<ModelReference, List<CompiledPolicy>> matching) {
    List<Finding> out = new ArrayList<>();
    List<JsonNode> init = new ArrayList<>();
    podSpec.path("initContainers").forEach(init::add);
    for (Map.Entry<ModelReference, List<CompiledPolicy>> e : matching.entrySet()) {
      ModelReference m = e.getKey();
      if (m.inPod()
          && !e.getValue().isEmpty()
          && indexOf(init, VerifierContainer.name(m)) < 0
          && !VolumeRules.volumeNames(podSpec, m.placement().volume().orElseThrow()).isEmpty()) {
        out.add(
            Finding.of(
                Failure.atField(
                    Reason.VERIFIER_MISSING,
                    FieldPath.of(m.field()),
                    "model '"
                        + m.name()
                        + "' ("
                        + describe(m)
                        + ") was not verified when this running pod started (no init container "
                        + VerifierContainer.name(m)
                        + "); its init containers cannot change, so recreate the pod to verify it")));
      }
    }
    return out;
  }

  /** Where huggingface_hub keeps its bookkeeping in a download directory. */
  static final RelativePath HUB_METADATA = RelativePath.parse(".cache/huggingface");

  /**
   * An {@code hf://} model a pod downloads is written by huggingface_hub's {@code
   * snapshot_download(local_dir=…)} (KServe's storage-initializer, kserve_storage.py {@code
   * _download_hf} @aaac4e29), which leaves unsigned metadata in {@code .cache/huggingface/} of the
   * download (huggingface_hub {@code _local_folder.py}). A ready policy that does not ignore that
   * directory will fail the verifier in the pod with UNSIGNED_FILE: a warning at admission, naming
   * the setting, instead of a pod stuck in Init:Error. A warning, not a denial: older
   * huggingface_hub releases wrote no such directory, and the pod fails closed either way.
   */
  public static List<Finding> hubMetadataWarnings(Map<ModelReference, List<CompiledPolicy>> ready) {
    List<Finding> out = new ArrayList<>();
    for (Map.Entry<ModelReference, List<CompiledPolicy>> e : ready.entrySet()) {
      ModelReference m = e.getKey();
      if (!m.inPod()
          || m.uri().scheme() != ModelScheme.DOWNLOAD
          || !m.uri().schemeName().equalsIgnoreCase("hf")) {
        continue;
      }
      for (CompiledPolicy p : e.getValue()) {
        boolean ignored =
            p.verification()
                .map(
                    v ->
                        v.options().ignoreUnsignedFilesUnsafe()
                            || new IgnoreRules(v.options().ignorePaths()).ignores(HUB_METADATA))
                .orElse(true);
        if (!ignored) {
          out.add(
              Finding.of(
                  Failure.atField(
                      Reason.UNSIGNED_FILE,
                      FieldPath.of(m.field()),
                      "model '"
                          + m.name()
                          + "' ("
                          + m.uri()
                          + ") is downloaded by huggingface_hub, which leaves unsigned metadata in "
                          + HUB_METADATA.value()
                          + "/ of the download; policy "
                          + p.displayName()
                          + " does not list it in verification.ignorePaths, so the verifier in the pod will fail UNSIGNED_FILE (unless the signature itself ignores it)")));
        }
      }
    }
    return out;
  }

  /**
   * A claim other pods can write (ReadWriteMany, or ReadWriteOnce: pods on the same node) is
   * verified only at start: a warning for each model on one.
   */
  public static List<Finding> sharedClaimWarnings(
      String namespace, List<ModelReference> models, ClaimAccessModes claims) {
    return VolumeRules.sharedClaimWarnings(namespace, models, claims);
  }

  /**
   * MODEL_VOLUME_NOT_MOUNTED, saying why: no such volume or claim, or a {@code pvc://} model on the
   * per-replica claims of a StatefulSet's claim template, which one claim name cannot declare.
   */
  private static Failure notMounted(JsonNode podSpec, ModelReference model, ModelUri at) {
    if (at.scheme() != ModelScheme.PVC) {
      return Failure.of(
          Reason.MODEL_VOLUME_NOT_MOUNTED,
          "the pod mounts no volume for %s (no volume named %s)",
          describe(model),
          at.location());
    }
    var template = ClaimTemplates.templateOf(podSpec, at.location());
    if (template.isPresent()) {
      return Failure.of(
          Reason.MODEL_VOLUME_NOT_MOUNTED,
          "the pod mounts no volume for %s: claim %s is one of the per-replica claims of volumeClaimTemplates '%s' (%s-<statefulset>-<ordinal>), so no one claim name holds the model for every pod; declare it as volume://%s/%s",
          describe(model),
          at.location(),
          template.get(),
          template.get(),
          template.get(),
          at.path());
    }
    return Failure.of(
        Reason.MODEL_VOLUME_NOT_MOUNTED,
        "the pod mounts no volume for %s (no volume with persistentVolumeClaim.claimName %s)",
        describe(model),
        at.location());
  }

  /** Init containers out of order around the verifier standing at {@code position}. */
  private static List<Failure> order(
      List<JsonNode> init,
      List<String> volumes,
      Set<String> readOnly,
      double position,
      JsonNode verifier,
      String name) {
    List<Failure> out = new ArrayList<>();
    for (int i = 0; i < init.size(); i++) {
      JsonNode c = init.get(i);
      if (VerifierContainer.isVerifier(c, verifier)) {
        continue;
      }
      JsonNode mount = InitContainerOrder.firstMount(c, volumes, readOnly);
      if (mount == null) {
        continue;
      }
      boolean sidecar = InitContainerOrder.isSidecar(c);
      boolean writes = !sidecar && InitContainerOrder.writes(mount, readOnly);
      if (i > position && writes) {
        out.add(
            Failure.of(
                Reason.VERIFIER_BEFORE_WRITER,
                "init container '%s' writes model volume '%s' after %s has verified it, so what the app reads is not what was verified",
                c.path("name").asText(),
                mount.path("name").asText(),
                name));
      } else if (i < position && !writes) {
        out.add(
            Failure.of(
                Reason.MODEL_READ_BEFORE_VERIFY,
                "%s '%s' mounts model volume '%s' before %s has verified it",
                sidecar ? "native sidecar" : "init container",
                c.path("name").asText(),
                mount.path("name").asText(),
                name));
      }
    }
    return out;
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
   * The JSON patch that puts one verifier init container per volume model that policies match right
   * after the last init container that writes the model's volume (KServe's storage-initializer, any
   * downloader), so it checks what was written and nothing else runs first. New verifiers are added
   * in place; when one already there is stale or out of place (another webhook added a writer after
   * it), the whole init-container list is rewritten. Only for new pods and templates: the init
   * containers of an existing pod cannot change.
   */
  public List<Map<String, Object>> patch(
      JsonNode podSpec, String specPointer, Map<ModelReference, List<CompiledPolicy>> models) {
    JsonNode current = podSpec.path("initContainers");
    Map<ModelReference, List<String>> verified = new LinkedHashMap<>();
    for (Map.Entry<ModelReference, List<CompiledPolicy>> e : models.entrySet()) {
      if (!e.getKey().inPod()) {
        continue;
      }
      List<String> volumes =
          VolumeRules.volumeNames(podSpec, e.getKey().placement().volume().orElseThrow());
      if (!volumes.isEmpty() && !e.getValue().isEmpty()) {
        verified.put(e.getKey(), volumes);
      }
    }
    // A restricted download gets the signature file added to its patterns, and the verifier
    // carries the patterns as they will be.
    Map<String, DownloadSelection> widened = PartialDownloads.widened(verified.keySet());
    Map<String, JsonNode> wanted = new LinkedHashMap<>();
    Map<String, List<String>> volumesOf = new LinkedHashMap<>();
    verified.forEach(
        (m, volumes) -> {
          String name = VerifierContainer.name(m);
          wanted.put(
              name,
              containers.spell(
                  PartialDownloads.withWidened(m, widened), volumes.get(0), models.get(m)));
          volumesOf.put(name, volumes);
        });
    if (wanted.isEmpty()) {
      return List.of();
    }
    List<JsonNode> now = new ArrayList<>();
    current.forEach(now::add);
    List<JsonNode> adjusted = new ArrayList<>();
    for (JsonNode c : now) {
      DownloadSelection s = widened.get(c.path("name").asText());
      adjusted.add(s == null ? c : PartialDownloads.withPatterns(c, s));
    }
    List<JsonNode> base = new ArrayList<>();
    adjusted.forEach(
        c -> {
          if (!wanted.containsKey(c.path("name").asText())) {
            base.add(c);
          }
        });
    InitContainerOrder desired =
        new InitContainerOrder(base, InitContainerOrder.readOnlyVolumes(podSpec));
    for (Map.Entry<String, JsonNode> w : wanted.entrySet()) {
      desired.insert(w.getValue(), volumesOf.get(w.getKey()));
    }
    List<JsonNode> target = desired.containers();
    if (target.equals(now)) {
      return List.of();
    }
    List<Map<String, Object>> ops = new ArrayList<>();
    if (onlyInsertions(adjusted, target, wanted)) {
      // Changed downloader patterns first, at the indices they have before insertions.
      for (int i = 0; i < now.size(); i++) {
        if (!adjusted.get(i).equals(now.get(i))) {
          ops.add(
              op(
                  "replace",
                  specPointer + "/initContainers/" + i + "/env",
                  adjusted.get(i).path("env")));
        }
      }
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

  private static int indexOf(List<JsonNode> init, String name) {
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
