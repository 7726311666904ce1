package dev.modelgate.scan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.report.ObjectReference;
import java.util.Optional;

/**
 * Finds the workload a pod belongs to by following controller references ({@code
 * metadata.ownerReferences[]} with {@code controller: true}) up the chains the Kubernetes
 * controllers build: Pod → ReplicaSet → Deployment, and Pod → Job → CronJob; StatefulSet and
 * DaemonSet pods point at their workload directly. The deployment controller names each ReplicaSet
 * {@code <deployment>-<pod-template-hash>}, labels it and its pods with that hash, and gives it a
 * controller reference to the Deployment ({@code kubernetes/kubernetes:
 * pkg/controller/deployment/sync.go}, {@code getNewReplicaSet}, {@code metav1.NewControllerRef}).
 * Only those two hops are followed; an owner above them (a KServe InferenceService above its
 * Deployment) is not looked up. When an intermediate object cannot be read, or is another object
 * than the one the reference names (same name, other uid), the pod's own controller is the
 * workload.
 */
public final class OwnerChain {
  /** The label the deployment controller puts on ReplicaSets and their pods. */
  public static final String POD_TEMPLATE_HASH = "pod-template-hash";

  /** The label the StatefulSet and DaemonSet controllers put on their pods. */
  public static final String CONTROLLER_REVISION_HASH = "controller-revision-hash";

  private OwnerChain() {}

  /** Reads the objects in the middle of a chain: ReplicaSets and Jobs. */
  @FunctionalInterface
  public interface Lookup {
    /** The object's JSON, or empty when it does not exist or cannot be read. */
    Optional<JsonNode> find(String namespace, String kind, String name);

    Lookup NONE = (namespace, kind, name) -> Optional.empty();
  }

  /** The workload of {@code pod}: its top known controller, or the pod itself. */
  public static ObjectReference workloadOf(JsonNode pod, Lookup owners) {
    JsonNode meta = pod.path("metadata");
    String namespace = meta.path("namespace").asText("");
    Optional<JsonNode> controller = controllerOf(meta);
    if (controller.isEmpty()) {
      return ObjectReference.of(
          pod.path("apiVersion").asText("v1"),
          "Pod",
          namespace,
          meta.path("name").asText(""),
          meta.path("uid").asText(""));
    }
    ObjectReference direct = ref(controller.get(), namespace);
    String above =
        direct.kind().equals("ReplicaSet")
            ? "Deployment"
            : direct.kind().equals("Job") ? "CronJob" : "";
    if (above.isEmpty()) {
      return direct;
    }
    Optional<JsonNode> middle = owners.find(namespace, direct.kind(), direct.name());
    if (middle.isEmpty()
        || !middle.get().path("metadata").path("uid").asText("").equals(direct.uid())) {
      return direct;
    }
    return controllerOf(middle.get().path("metadata"))
        .filter(r -> r.path("kind").asText("").equals(above))
        .map(r -> ref(r, namespace))
        .orElse(direct);
  }

  /** The owner reference with {@code controller: true}; an object has at most one. */
  static Optional<JsonNode> controllerOf(JsonNode metadata) {
    for (JsonNode r : metadata.path("ownerReferences")) {
      if (r.path("controller").asBoolean(false)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  private static ObjectReference ref(JsonNode ownerReference, String namespace) {
    return ObjectReference.of(
        ownerReference.path("apiVersion").asText(""),
        ownerReference.path("kind").asText(""),
        namespace,
        ownerReference.path("name").asText(""),
        ownerReference.path("uid").asText(""));
  }
}
