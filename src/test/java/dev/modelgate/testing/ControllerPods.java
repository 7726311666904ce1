package dev.modelgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

/**
 * Workload objects in the shapes Kubernetes' controllers give them, for background verification
 * tests: a Deployment, the ReplicaSet its controller creates ({@code <deployment>-<pod-template-
 * hash>}, the hash label on it and its template, a controller reference to the Deployment:
 * kubernetes/kubernetes@737067c1d67d6118c3c3abf58b4f00e67a2409df pkg/controller/deployment/sync.go,
 * getNewReplicaSet), and the pods the ReplicaSet controller creates from that template
 * (generateName {@code <replicaset>-}, a five-character suffix, the template's labels and
 * annotations, a controller reference with {@code blockOwnerDeletion}:
 * pkg/controller/controller_utils.go, GetPodFromTemplate, and metav1.NewControllerRef), running.
 */
public final class ControllerPods {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ControllerPods() {}

  /** A Deployment with the pod template given as YAML ({@code metadata} and {@code spec}). */
  public static ObjectNode deployment(String namespace, String name, String templateYaml) {
    ObjectNode d = JSON.createObjectNode();
    d.put("apiVersion", "apps/v1").put("kind", "Deployment");
    d.putObject("metadata").put("name", name).put("namespace", namespace).put("uid", uid());
    ObjectNode spec = d.putObject("spec");
    spec.put("replicas", 1);
    ObjectNode template = (ObjectNode) yaml(templateYaml);
    spec.putObject("selector")
        .set("matchLabels", template.path("metadata").path("labels").deepCopy());
    spec.set("template", template);
    return d;
  }

  /** The ReplicaSet the deployment controller makes for {@code deployment}'s template. */
  public static ObjectNode replicaSet(JsonNode deployment, String podTemplateHash) {
    ObjectNode rs = JSON.createObjectNode();
    rs.put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
    String name = deployment.at("/metadata/name").asText() + "-" + podTemplateHash;
    ObjectNode meta =
        rs.putObject("metadata")
            .put("name", name)
            .put("namespace", deployment.at("/metadata/namespace").asText())
            .put("uid", uid());
    ObjectNode template = deployment.at("/spec/template").deepCopy();
    ((ObjectNode) template.path("metadata").path("labels"))
        .put("pod-template-hash", podTemplateHash);
    meta.set("labels", template.path("metadata").path("labels").deepCopy());
    meta.putObject("annotations").put("deployment.kubernetes.io/revision", "1");
    meta.putArray("ownerReferences").add(controllerRef(deployment));
    ObjectNode spec = rs.putObject("spec");
    spec.put("replicas", 1);
    spec.putObject("selector")
        .set("matchLabels", template.path("metadata").path("labels").deepCopy());
    spec.set("template", template);
    return rs;
  }

  /** A running pod of {@code controller} (a ReplicaSet, StatefulSet, Job...) named by suffix. */
  public static ObjectNode pod(JsonNode controller, String suffix) {
    ObjectNode pod = JSON.createObjectNode();
    pod.put("apiVersion", "v1").put("kind", "Pod");
    JsonNode template = controller.at("/spec/template");
    String prefix = controller.at("/metadata/name").asText() + "-";
    ObjectNode meta =
        pod.putObject("metadata")
            .put("name", prefix + suffix)
            .put("generateName", prefix)
            .put("namespace", controller.at("/metadata/namespace").asText())
            .put("uid", uid());
    meta.set("labels", template.path("metadata").path("labels").deepCopy());
    if (template.path("metadata").has("annotations")) {
      meta.set("annotations", template.path("metadata").path("annotations").deepCopy());
    }
    meta.putArray("ownerReferences").add(controllerRef(controller));
    ObjectNode spec = template.path("spec").deepCopy();
    spec.put("nodeName", "node-1");
    pod.set("spec", spec);
    ObjectNode status = pod.putObject("status");
    status.put("phase", "Running");
    return pod;
  }

  /**
   * Sets the pod's {@code status.initContainerStatuses[]} entry for {@code container} as the
   * kubelet reports a completed init container, with {@code message} as its termination message
   * (none when null).
   */
  public static ObjectNode initContainerTerminated(
      ObjectNode pod, String container, String message) {
    ObjectNode status = (ObjectNode) pod.path("status");
    ArrayNode statuses =
        status.has("initContainerStatuses")
            ? (ArrayNode) status.get("initContainerStatuses")
            : status.putArray("initContainerStatuses");
    ObjectNode s = statuses.addObject();
    s.put("name", container).put("ready", true).put("restartCount", 0).put("image", "i");
    ObjectNode terminated = s.putObject("state").putObject("terminated");
    terminated.put("exitCode", 0).put("reason", "Completed");
    terminated.put("startedAt", "2026-12-01T10:00:00Z").put("finishedAt", "2026-12-01T10:00:05Z");
    if (message != null) {
      terminated.put("message", message);
    }
    s.putObject("lastState");
    return pod;
  }

  private static ObjectNode controllerRef(JsonNode owner) {
    ObjectNode r = JSON.createObjectNode();
    r.put("apiVersion", owner.path("apiVersion").asText());
    r.put("kind", owner.path("kind").asText());
    r.put("name", owner.at("/metadata/name").asText());
    r.put("uid", owner.at("/metadata/uid").asText());
    r.put("controller", true);
    r.put("blockOwnerDeletion", true);
    return r;
  }

  private static String uid() {
    return UUID.randomUUID().toString();
  }

  private static JsonNode yaml(String s) {
    try {
      return JSON.valueToTree(new YAMLMapper().readTree(s));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
