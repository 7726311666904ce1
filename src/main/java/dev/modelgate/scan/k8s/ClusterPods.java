package dev.modelgate.scan.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.scan.OwnerChain;
import dev.modelgate.scan.PodInventory;
import dev.modelgate.scan.RunningPod;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The running pods of every namespace, listed from the API server at each scan (no informer: a scan
 * an hour does not justify holding every pod in memory), with the ReplicaSets and Jobs between them
 * and their workloads read once per scan each. Needs list on pods and get on replicasets and jobs.
 */
public final class ClusterPods implements PodInventory {
  private static final Logger log = Logger.getLogger(ClusterPods.class);

  /** Pods per list request (kubectl's default chunk size is 500). */
  static final long PAGE = 500;

  private final KubernetesClient client;

  public ClusterPods(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public List<RunningPod> runningPods() {
    var json = client.getKubernetesSerialization();
    Map<String, Optional<JsonNode>> owners = new HashMap<>();
    OwnerChain.Lookup lookup =
        (namespace, kind, name) ->
            owners.computeIfAbsent(
                kind + "/" + namespace + "/" + name,
                k ->
                    Optional.ofNullable(read(namespace, kind, name))
                        .map(o -> json.convertValue(o, JsonNode.class)));
    List<RunningPod> out = new ArrayList<>();
    // In pages, as kubectl and the informers list: one response for every pod of a large cluster
    // would be held whole, next to its copy as JSON.
    String next = null;
    do {
      PodList page =
          client
              .pods()
              .inAnyNamespace()
              .list(new ListOptionsBuilder().withLimit(PAGE).withContinue(next).build());
      for (Pod p : page.getItems()) {
        if (p.getMetadata().getDeletionTimestamp() != null
            || p.getStatus() == null
            || !"Running".equals(p.getStatus().getPhase())) {
          continue;
        }
        out.add(RunningPod.of(json.convertValue(p, JsonNode.class), lookup));
      }
      next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
    return out;
  }

  /** The object, or null when it is gone or cannot be read (the pod's own controller is used). */
  private HasMetadata read(String namespace, String kind, String name) {
    try {
      switch (kind) {
        case "ReplicaSet":
          return client.apps().replicaSets().inNamespace(namespace).withName(name).get();
        case "Job":
          return client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
        default:
          return null;
      }
    } catch (KubernetesClientException e) {
      log.debugf("%s %s/%s cannot be read (HTTP %d)", kind, namespace, name, e.getCode());
      return null;
    }
  }
}
