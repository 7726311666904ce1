package dev.modelgate.inpod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A StatefulSet's {@code volumeClaimTemplates} are volumes of its pod template: the StatefulSet
 * controller gives every pod it makes a volume named after each template, on the claim {@code
 * <template>-<statefulset>-<ordinal>}, in place of any template volume of the same name
 * (kubernetes/kubernetes pkg/controller/statefulset/stateful_set_utils.go, updateStorage and
 * getPersistentVolumeClaimName). Admission judges the template as that pod, so a model on a claim
 * template is mounted, path-bound and read-only-checked like a model on any claim.
 *
 * <p>A claim template makes one claim per replica, so {@code pvc://<claim>} cannot name it for
 * every pod; {@code volume://<template>/<path>} does, in the StatefulSet and in each pod it creates
 * alike.
 */
public final class ClaimTemplates {
  /** Stands for the replica's ordinal in the claim name of a template volume. */
  static final String ORDINAL = "<ordinal>";

  private ClaimTemplates() {}

  /**
   * The pod template of {@code workload} as its pods will have it: for a StatefulSet with claim
   * templates, a copy whose volumes include one per template, replacing a volume of the same name;
   * otherwise {@code template} itself.
   */
  public static JsonNode podTemplate(String kind, JsonNode workload, JsonNode template) {
    JsonNode claims = workload.path("spec").path("volumeClaimTemplates");
    if (!kind.equals("StatefulSet")
        || !claims.isArray()
        || claims.isEmpty()
        || !template.isObject()) {
      return template;
    }
    String set = workload.path("metadata").path("name").asText("");
    ObjectNode copy = template.deepCopy();
    ObjectNode spec =
        copy.path("spec").isObject() ? (ObjectNode) copy.path("spec") : copy.putObject("spec");
    Map<String, ObjectNode> byName = new LinkedHashMap<>();
    for (JsonNode claim : claims) {
      String name = claim.path("metadata").path("name").asText("");
      if (!name.isEmpty() && !byName.containsKey(name)) {
        ObjectNode v = spec.objectNode();
        v.put("name", name);
        // No readOnly flag: the StatefulSet controller's updateStorage writes these claim volumes
        // with ReadOnly false (Kubernetes stateful_set_utils.go@00bdb3fa), so only the mounts'
        // own readOnly counts for them.
        v.putObject("persistentVolumeClaim").put("claimName", name + "-" + set + "-" + ORDINAL);
        byName.put(name, v);
      }
    }
    // A template volume of the same name is replaced in place, the others keep their index (the
    // fields ModelGate names and pins, spec.template.spec.volumes[i], stay those of the object).
    ArrayNode volumes = spec.arrayNode();
    for (JsonNode v : spec.path("volumes")) {
      ObjectNode claim = byName.remove(v.path("name").asText());
      volumes.add(claim != null ? claim : v);
    }
    byName.values().forEach(volumes::add);
    spec.set("volumes", volumes);
    return copy;
  }

  /**
   * The claim template whose per-replica claims {@code claim} names ({@code <template>} itself or
   * {@code <template>-<statefulset>-<n>}), if {@code podSpec} is a StatefulSet's template read by
   * {@link #podTemplate}.
   */
  static Optional<String> templateOf(JsonNode podSpec, String claim) {
    for (JsonNode v : podSpec.path("volumes")) {
      String name = v.path("name").asText();
      String perReplica = v.path("persistentVolumeClaim").path("claimName").asText("");
      if (!perReplica.endsWith("-" + ORDINAL)) {
        continue;
      }
      String prefix = perReplica.substring(0, perReplica.length() - ORDINAL.length());
      if (claim.equals(name)
          || claim.startsWith(prefix) && claim.substring(prefix.length()).matches("[0-9]+")) {
        return Optional.of(name);
      }
    }
    return Optional.empty();
  }
}
