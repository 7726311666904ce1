package dev.modelgate.inpod;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.Failure;
import dev.modelgate.core.FieldPath;
import dev.modelgate.core.Reason;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.Finding;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelScheme;
import dev.modelgate.source.ModelUri;
import java.util.ArrayList;
import java.util.List;
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

  /**
   * A claim holds more than the model: every volume backed by it, in every container, may mount
   * only the verified directory or below it (subPath), or the rest of the claim would be readable
   * (and, writable, a place to swap the model) without verification.
   */
  static List<Failure> mountsOutsideModel(
      JsonNode podSpec, ModelUri at, List<String> volumes, JsonNode verifier) {
    List<Failure> out = new ArrayList<>();
    String claim = claimOf(podSpec, at).orElse(at.location());
    for (String kind : KINDS) {
      for (JsonNode c : podSpec.path(kind)) {
        if (kind.equals("initContainers") && VerifierContainer.isVerifier(c, verifier)) {
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
      CompiledPolicy policy) {
    List<Failure> out = new ArrayList<>();
    Set<String> readOnly = InitContainerOrder.readOnlyVolumes(podSpec);
    for (String kind : List.of("containers", "initContainers", "ephemeralContainers")) {
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
