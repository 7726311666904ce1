package dev.modelgate.inpod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.modelgate.core.Failure;
import dev.modelgate.core.FieldPath;
import dev.modelgate.core.Reason;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.Finding;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelScheme;
import dev.modelgate.source.ModelUri;
import dev.modelgate.source.MountSubPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What may mount a model's volume, and how: the rules admission checks over every container of a
 * pod, whichever verifier stands in it. Each failure has its own reason: a claim mounted outside
 * the verified directory (MOUNT_OUTSIDE_MODEL), a writable mount a policy forbids
 * (MODEL_MOUNT_WRITABLE), and, as a warning, a claim other pods can write.
 */
final class VolumeRules {
  private static final List<String> KINDS =
      List.of("initContainers", "containers", "ephemeralContainers");

  private VolumeRules() {}

  /**
   * Every pod volume the model is on, the named volume first: for a {@code pvc://} model or a
   * {@code volume://} model whose volume is a claim, every volume backed by the claim; for a {@code
   * volume://} model on a hostPath or NFS volume, every hostPath (NFS export of the same server)
   * volume whose directory holds the model directory or lies inside it. A second volume on the same
   * storage is the same bytes, so it is bound by the same rules.
   */
  static List<String> volumeNames(JsonNode podSpec, ModelUri at) {
    List<String> out = new ArrayList<>();
    for (JsonNode v : podSpec.path("volumes")) {
      if (pathWithin(podSpec, at, v).isPresent()) {
        String name = v.path("name").asText();
        if (at.scheme() == ModelScheme.VOLUME && at.location().equals(name)) {
          out.add(0, name);
        } else if (!out.contains(name)) {
          out.add(name);
        }
      }
    }
    if (at.scheme() == ModelScheme.VOLUME && (out.isEmpty() || !out.get(0).equals(at.location()))) {
      return List.of();
    }
    return out;
  }

  /**
   * Where the model directory is inside volume {@code v}, or empty when {@code v} does not hold it:
   * {@code at}'s path on the model's own volume and on every volume of its claim; on another
   * hostPath or NFS volume over the same directory tree, the model's place relative to that
   * volume's directory ("" when the volume's directory lies inside the model directory: all of it
   * is the model). Host symbolic links are not seen from a pod spec (docs/volume-models.md).
   */
  static Optional<String> pathWithin(JsonNode podSpec, ModelUri at, JsonNode v) {
    String name = v.path("name").asText();
    if (at.scheme() == ModelScheme.VOLUME && at.location().equals(name)) {
      return Optional.of(at.path());
    }
    Optional<String> claim = claimOf(podSpec, at);
    if (claim.isPresent()) {
      return claim.get().equals(v.path("persistentVolumeClaim").path("claimName").asText())
          ? Optional.of(at.path())
          : Optional.empty();
    }
    if (at.scheme() != ModelScheme.VOLUME) {
      return Optional.empty();
    }
    JsonNode own = volume(podSpec, at.location());
    Optional<String> modelOnHost = hostDirectory(own).map(d -> join(d, at.path()));
    Optional<String> here = hostDirectory(v);
    if (modelOnHost.isEmpty() || here.isEmpty() || !sameStorage(own, v)) {
      return Optional.empty();
    }
    String model = modelOnHost.get();
    String dir = here.get();
    if (dir.equals(model) || model.startsWith(dir.equals("/") ? "/" : dir + "/")) {
      return Optional.of(model.substring(dir.length()).replaceAll("^/+", ""));
    }
    if (dir.startsWith(model.equals("/") ? "/" : model + "/")) {
      return Optional.of("");
    }
    return Optional.empty();
  }

  /**
   * An emptyDir starts empty in every pod: all it holds is what this pod's init containers wrote
   * before the verifier (KServe's storage-initializer writes each of several storageUris into its
   * own directory of one emptyDir, and the server mounts the emptyDir's root). A mount of it at or
   * above the model directory shows the verified model and what those writers put beside it, which
   * the server reads only through its model arguments, which the runtime-argument inspector judges.
   * A mount beside the model shows none of the model, so it is outside. Any other volume kind (a
   * claim, NFS, hostPath, a generic ephemeral volume, which may be provisioned from a snapshot)
   * holds bytes from before the pod, so only the model directory or below may be mounted.
   */
  private static boolean holdsModel(JsonNode volume, String sub, String model) {
    return volume.has("emptyDir") && (sub.isEmpty() || model.startsWith(sub + "/"));
  }

  /**
   * The normalised directory a hostPath or NFS volume shows, if it is one: {@code .} and empty
   * segments dropped and {@code ..} resolved lexically, as the NFS server resolves a path the API
   * server let through (it checks only that an NFS path is absolute; a hostPath may not hold {@code
   * ..}). Symbolic links on the host or server are not seen (docs/volume-models.md).
   */
  private static Optional<String> hostDirectory(JsonNode v) {
    JsonNode p =
        v.has("hostPath")
            ? v.path("hostPath").path("path")
            : v.has("nfs") ? v.path("nfs").path("path") : null;
    if (p == null || !p.isTextual()) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    for (String s : p.asText().split("/")) {
      if (s.equals("..")) {
        if (!parts.isEmpty()) {
          parts.remove(parts.size() - 1);
        }
      } else if (!s.isEmpty() && !s.equals(".")) {
        parts.add(s);
      }
    }
    return Optional.of("/" + String.join("/", parts));
  }

  /** Both hostPath volumes (one node), or NFS exports of one server. */
  private static boolean sameStorage(JsonNode a, JsonNode b) {
    if (a.has("hostPath") && b.has("hostPath")) {
      return true;
    }
    return a.has("nfs") && b.has("nfs") && server(a).equals(server(b));
  }

  /**
   * An NFS server's name as DNS compares it: case-insensitive, the root's trailing dot dropped. An
   * IP address and a name for the same server are not seen to be one (no lookup at admission).
   */
  private static String server(JsonNode v) {
    return v.path("nfs").path("server").asText().toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
  }

  private static String join(String dir, String path) {
    return path.isEmpty() ? dir : (dir.equals("/") ? "" : dir) + "/" + path;
  }

  private static JsonNode volume(JsonNode podSpec, String name) {
    for (JsonNode v : podSpec.path("volumes")) {
      if (name.equals(v.path("name").asText())) {
        return v;
      }
    }
    return MissingNode.getInstance();
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

  /**
   * A volume holds more than the model: every volume the model is on, in every container, may mount
   * only the verified directory or below it (subPath), or the rest of the volume would be readable
   * (and, writable, a place to swap the model) without verification. Whatever the volume kind: a
   * claim, NFS, hostPath, an emptyDir or generic ephemeral volume. The only exception are the init
   * containers that write a volume which is not a claim before the verifier runs (at {@code
   * position}): they put the model there, and the verifier checks what they left.
   */
  static List<Failure> mountsOutsideModel(
      JsonNode podSpec,
      ModelUri at,
      List<String> volumes,
      double position,
      JsonNode verifier,
      boolean running) {
    List<Failure> out = new ArrayList<>();
    Optional<String> claim = claimOf(podSpec, at);
    Set<String> readOnly = InitContainerOrder.readOnlyVolumes(podSpec);
    for (String kind : kinds(KINDS, running)) {
      JsonNode cs = podSpec.path(kind);
      for (int i = 0; i < cs.size(); i++) {
        JsonNode c = cs.get(i);
        boolean init = kind.equals("initContainers");
        if (init && VerifierContainer.isVerifier(c, verifier)) {
          continue;
        }
        for (JsonNode m : c.path("volumeMounts")) {
          String name = m.path("name").asText();
          if (!volumes.contains(name)) {
            continue;
          }
          boolean writerBefore =
              init
                  && i < position
                  && claim.isEmpty()
                  && !InitContainerOrder.isSidecar(c)
                  && InitContainerOrder.writes(m, readOnly);
          if (writerBefore) {
            continue;
          }
          String model = pathWithin(podSpec, at, volume(podSpec, name)).orElse(at.path());
          String what =
              claim.isPresent()
                  ? "claim " + claim.get() + " (volume '" + name + "')"
                  : "volume '" + name + "'";
          MountSubPath mounted = MountSubPath.of(m);
          String sub = mounted.path();
          if (mounted.stepsOut()) {
            // The API server refuses backsteps in subPath; a review that has one is not judged
            // by prefix.
            out.add(
                Failure.of(
                    Reason.MOUNT_OUTSIDE_MODEL,
                    "container '%s' mounts %s at subPath '%s', which steps out with '..'",
                    c.path("name").asText(),
                    what,
                    sub));
          } else if (mounted.expression() != null) {
            out.add(
                Failure.of(
                    Reason.MOUNT_OUTSIDE_MODEL,
                    "container '%s' mounts %s with subPathExpr %s, which cannot be checked against the verified path '%s'",
                    c.path("name").asText(),
                    what,
                    mounted.expression(),
                    model));
          } else if (!(mounted.within(model) || holdsModel(volume(podSpec, name), sub, model))) {
            out.add(
                Failure.of(
                    Reason.MOUNT_OUTSIDE_MODEL,
                    "container '%s' mounts %s at %s, outside the verified model directory '%s'",
                    c.path("name").asText(),
                    what,
                    sub.isEmpty() ? "its root" : "subPath '" + sub + "'",
                    model));
          }
        }
      }
    }
    return out;
  }

  /**
   * The container lists judged: all of them, or for a running pod ({@code running}) its ephemeral
   * containers only. A running pod's containers and init containers cannot change
   * (ValidatePodUpdate), so a mount rule that came after it started (a new release, a policy edit)
   * cannot deny its label update; background verification judges the whole pod.
   */
  private static List<String> kinds(List<String> all, boolean running) {
    return running ? List.of("ephemeralContainers") : all;
  }

  /**
   * With the policy's {@code requireReadOnlyMounts}, no container mounts the model volume writable,
   * except the init containers before the verifier (at {@code position}) that put the model there
   * (a downloader) on a volume that is not a claim: a claim outlives the pod, so nothing may write
   * it (item 3 of DESIGN's volume rules).
   */
  static List<Failure> writableMounts(
      JsonNode podSpec,
      List<String> volumes,
      double position,
      boolean onClaim,
      JsonNode verifier,
      CompiledPolicy policy,
      boolean running) {
    List<Failure> out = new ArrayList<>();
    Set<String> readOnly = InitContainerOrder.readOnlyVolumes(podSpec);
    for (String kind :
        kinds(List.of("containers", "initContainers", "ephemeralContainers"), running)) {
      JsonNode cs = podSpec.path(kind);
      for (int i = 0; i < cs.size(); i++) {
        JsonNode c = cs.get(i);
        boolean init = kind.equals("initContainers");
        boolean writerBefore = init && i < position && !onClaim && !InitContainerOrder.isSidecar(c);
        if (writerBefore || init && VerifierContainer.isVerifier(c, verifier)) {
          continue;
        }
        for (JsonNode m : c.path("volumeMounts")) {
          if (volumes.contains(m.path("name").asText()) && InitContainerOrder.writes(m, readOnly)) {
            out.add(
                Failure.of(
                    Reason.MODEL_MOUNT_WRITABLE,
                    "container '%s' mounts model volume '%s' writable; policy %s requires read-only mounts (volumeMounts[].readOnly: true, or persistentVolumeClaim.readOnly: true on the volume)",
                    c.path("name").asText(),
                    m.path("name").asText(),
                    policy.displayName()));
          }
        }
      }
    }
    return out;
  }

  /**
   * A claim other pods can write (ReadWriteMany, or ReadWriteOnce: pods on the same node) is
   * verified only at start: a warning for each model on one.
   */
  static List<Finding> sharedClaimWarnings(
      String namespace, List<ModelReference> models, ClaimAccessModes claims) {
    List<Finding> out = new ArrayList<>();
    for (var m : models) {
      var at = m.placement().volume();
      if (at.isEmpty() || at.get().scheme() != ModelScheme.PVC) {
        continue;
      }
      Set<String> modes = claims.of(namespace, at.get().location());
      if (modes.contains("ReadWriteMany") || modes.contains("ReadWriteOnce")) {
        out.add(
            Finding.of(
                Failure.atField(
                    Reason.MODEL_MOUNT_WRITABLE,
                    FieldPath.of(m.field()),
                    "model '"
                        + m.name()
                        + "' is on claim "
                        + at.get().location()
                        + " with access modes "
                        + new TreeSet<>(modes)
                        + ": other pods can write it while this one runs; ModelGate verifies it only before the app starts (prefer ReadOnlyMany or ReadWriteOncePod)")));
      }
    }
    return out;
  }
}
