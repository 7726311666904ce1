package dev.modelgate.scan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.report.ObjectReference;
import java.util.Objects;

/**
 * A running pod as background verification sees it: the workload it belongs to ({@link
 * OwnerChain}), the revision of that workload's pod template it runs, and the pod object (spec and
 * status) as JSON. The tree is the caller's; it is read, never changed.
 *
 * @param revision what tells pods of one workload with the same template apart from the others: the
 *     {@code pod-template-hash} label (Deployment, ReplicaSet), {@code controller-revision-hash}
 *     (StatefulSet, DaemonSet), else the uid of the controller that made it, else the pod's own uid
 */
public record RunningPod(
    ObjectReference workload, String namespace, String name, String revision, JsonNode object) {
  public RunningPod {
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(revision, "revision");
    Objects.requireNonNull(object, "object");
  }

  /** A pod object read from the API, its workload found through {@code owners}. */
  public static RunningPod of(JsonNode pod, OwnerChain.Lookup owners) {
    JsonNode meta = pod.path("metadata");
    JsonNode labels = meta.path("labels");
    String revision = labels.path(OwnerChain.POD_TEMPLATE_HASH).asText("");
    if (revision.isEmpty()) {
      revision = labels.path(OwnerChain.CONTROLLER_REVISION_HASH).asText("");
    }
    if (revision.isEmpty()) {
      revision = OwnerChain.controllerOf(meta).map(r -> r.path("uid").asText("")).orElse("");
    }
    if (revision.isEmpty()) {
      revision = meta.path("uid").asText("");
    }
    return new RunningPod(
        OwnerChain.workloadOf(pod, owners),
        meta.path("namespace").asText(""),
        meta.path("name").asText(""),
        revision,
        pod);
  }
}
