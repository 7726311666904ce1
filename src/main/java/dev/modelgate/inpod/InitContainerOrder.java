package dev.modelgate.inpod;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a verifier stands among a pod's init containers: after the last one that writes its model's
 * volume, before any other that mounts it. One algorithm for both endpoints: /mutate inserts the
 * verifier there, and admission judges a pod without a usable verifier as if it stood there.
 */
final class InitContainerOrder {
  private final List<JsonNode> list;
  private final Set<String> readOnly;
  private final List<JsonNode> placed = new ArrayList<>();

  /** {@code readOnly}: the pod's volumes every mount of which is read-only ({@link #writes}). */
  InitContainerOrder(List<JsonNode> initContainers, Set<String> readOnly) {
    this.list = new ArrayList<>(initContainers);
    this.readOnly = readOnly;
  }

  /** The init containers with the verifiers inserted so far. */
  List<JsonNode> containers() {
    return list;
  }

  /**
   * The index of the last init container, other than {@code verifierName}, that the verifier of
   * {@code volumes} must follow: one that writes one of them (a downloader; native sidecars run
   * beside the app and are never writers to wait for), or another ModelGate verifier mounting them
   * (two models on one volume keep a stable order). -1 when none.
   */
  static int lastWriter(
      List<JsonNode> init, List<String> volumes, String verifierName, Set<String> readOnly) {
    int last = -1;
    for (int i = 0; i < init.size(); i++) {
      JsonNode c = init.get(i);
      String name = c.path("name").asText();
      if (name.equals(verifierName) || isSidecar(c)) {
        continue;
      }
      JsonNode m = firstMount(c, volumes, readOnly);
      if (m != null && (writes(m, readOnly) || name.startsWith(VerifierContainer.NAME_PREFIX))) {
        last = i;
      }
    }
    return last;
  }

  /** Inserts {@code verifier} after the last writer of {@code volumes}. */
  void insert(JsonNode verifier, List<String> volumes) {
    int at = lastWriter(list, volumes, verifier.path("name").asText(), readOnly) + 1;
    // Verifiers placed just before, at the same spot, keep the models' order.
    while (at < list.size() && placed.contains(list.get(at))) {
      at++;
    }
    list.add(at, verifier);
    placed.add(verifier);
  }

  /**
   * The container's mount of one of {@code volumes}: a writable one if any, else any; null if it
   * mounts none.
   */
  static JsonNode firstMount(JsonNode c, List<String> volumes, Set<String> readOnly) {
    JsonNode writable = null;
    JsonNode any = null;
    for (JsonNode m : c.path("volumeMounts")) {
      if (volumes.contains(m.path("name").asText())) {
        any = any == null ? m : any;
        writable = writable == null && writes(m, readOnly) ? m : writable;
      }
    }
    return writable != null ? writable : any;
  }

  /**
   * The mount can write: it is not {@code readOnly}, and its volume is not one of {@code readOnly},
   * the claims mounted with {@code persistentVolumeClaim.readOnly: true}, which "will force the
   * ReadOnly setting in VolumeMounts" (Kubernetes API, PersistentVolumeClaimVolumeSource).
   */
  static boolean writes(JsonNode mount, Set<String> readOnly) {
    return !mount.path("readOnly").asBoolean(false)
        && !readOnly.contains(mount.path("name").asText());
  }

  /** The pod's volumes that no container can write: claims with {@code readOnly: true}. */
  static Set<String> readOnlyVolumes(JsonNode podSpec) {
    Set<String> out = new HashSet<>();
    for (JsonNode v : podSpec.path("volumes")) {
      if (v.path("persistentVolumeClaim").path("readOnly").asBoolean(false)) {
        out.add(v.path("name").asText());
      }
    }
    return out;
  }

  /** A native sidecar: an init container with {@code restartPolicy: Always}, running beside. */
  static boolean isSidecar(JsonNode c) {
    return "Always".equals(c.path("restartPolicy").asText());
  }
}
