package dev.modelgate.admission.runtimeargs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * What a workload that names no model can do about it, by the shape of its pod template (the end of
 * a NO_MODEL_DECLARED message). The advice to annotate the pod template is useless where an
 * operator builds the template from labels only, and wrong where models are loaded into a running
 * server:
 *
 * <ul>
 *   <li>ModelMesh ({@code modelmesh-service} label, {@code mm} container) and Seldon Core 2 servers
 *       ({@code app: seldon-server}, {@code seldon-server-name}; seldon-core operator/scheduler
 *       constants): models arrive through the server's API while it runs, which no pod annotation
 *       can describe and no init container can verify;
 *   <li>KAITO ({@code kaito.sh/workspace}), OME ({@code ome.io/*}) and the NVIDIA NIM operator
 *       ({@code app.kubernetes.io/managed-by: k8s-nim-operator}): the operator owns the template,
 *       so the model is declared in a policy's {@code spec.declaredModels}.
 * </ul>
 */
public final class ModelRemedies {
  private ModelRemedies() {}

  /** The remedy for the pod template {@code template} (its metadata and spec). */
  public static String of(JsonNode template, String fallback) {
    Map<String, String> labels = labels(template.path("metadata").path("labels"));
    JsonNode spec = template.path("spec");
    if (labels.containsKey("modelmesh-service") || hasContainer(spec, "mm")) {
      return loader("ModelMesh");
    }
    if ("seldon-server".equals(labels.get("app")) || labels.containsKey("seldon-server-name")) {
      return loader("Seldon Core 2");
    }
    String operator = null;
    if (labels.containsKey("kaito.sh/workspace")) {
      operator = "KAITO (kaito.sh/workspace)";
    } else if (labels.keySet().stream().anyMatch(k -> k.startsWith("ome.io/"))) {
      operator = "OME (ome.io labels)";
    } else if ("k8s-nim-operator".equals(labels.get("app.kubernetes.io/managed-by"))) {
      operator = "the NVIDIA NIM operator";
    }
    if (operator != null) {
      return "the pod template is built by "
          + operator
          + ", which takes no annotations of its own: declare the model in the policy, spec.declaredModels: [{name, uri: pvc://claim/path | volume://volume/path | oci://…, workloadSelector: {matchLabels: …}}]";
    }
    return fallback;
  }

  private static String loader(String system) {
    return system
        + " loads models into a running server through its API, so no pod annotation or init container can verify what it serves:"
        + " serve signed models from a pod that mounts them (a KServe InferenceService with a storageUri, an image volume, or a volume declared with model.modelgate.dev/<name>),"
        + " or exclude these servers from the policy's workloadSelector and verify models where they are published";
  }

  private static boolean hasContainer(JsonNode spec, String name) {
    for (JsonNode c : spec.path("containers")) {
      if (name.equals(c.path("name").asText())) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, String> labels(JsonNode n) {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }
}
