package dev.modelgate.scan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.admission.Workload;
import dev.modelgate.admission.WorkloadInspector;
import dev.modelgate.report.ObjectReference;
import dev.modelgate.source.ModelReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Pods that one verification decides for all: the same workload, the same template revision, the
 * same labels (those a policy's workloadSelector sees) and the same models. A 500-replica
 * Deployment is one group; during a rollout it is two, one per ReplicaSet. Models on volumes are
 * still read back per pod (each pod's verifier ran on its own).
 */
public record ScanGroup(ObjectReference workload, List<RunningPod> pods) {
  /**
   * Labels the controllers set per pod, not per template: they would make every StatefulSet pod a
   * group of its own ({@code statefulset.kubernetes.io/pod-name}, {@code apps.kubernetes.io/
   * pod-index}, both set by {@code kubernetes/kubernetes:pkg/controller/statefulset/
   * stateful_set_utils.go}, {@code initIdentity}; and the Job controller's completion index).
   */
  static final Set<String> PER_POD_LABELS =
      Set.of(
          "statefulset.kubernetes.io/pod-name",
          "apps.kubernetes.io/pod-index",
          "batch.kubernetes.io/job-completion-index");

  public ScanGroup {
    Objects.requireNonNull(workload, "workload");
    pods = List.copyOf(pods);
    if (pods.isEmpty()) {
      throw new IllegalArgumentException("a scan group has at least one pod");
    }
  }

  /** The pod whose spec is decided for the whole group. */
  public RunningPod representative() {
    return pods.get(0);
  }

  /** The running pods grouped, in the order their first pod came. */
  public static List<ScanGroup> of(List<RunningPod> pods) {
    WorkloadInspector inspector = new WorkloadInspector();
    Map<String, List<RunningPod>> byKey = new LinkedHashMap<>();
    for (RunningPod p : pods) {
      byKey.computeIfAbsent(key(inspector, p), k -> new ArrayList<>()).add(p);
    }
    List<ScanGroup> out = new ArrayList<>();
    byKey.values().forEach(g -> out.add(new ScanGroup(g.get(0).workload(), g)));
    return out;
  }

  private static String key(WorkloadInspector inspector, RunningPod p) {
    Workload w = inspector.inspect("Pod", p.namespace(), p.name(), p.object());
    List<String> models = new ArrayList<>();
    for (ModelReference m : w.models()) {
      models.add(m.name() + "=" + m.uri() + "@" + m.placement() + "#" + m.signaturePath());
    }
    Map<String, String> labels = new TreeMap<>();
    JsonNode l = p.object().path("metadata").path("labels");
    for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!PER_POD_LABELS.contains(e.getKey())) {
        labels.put(e.getKey(), e.getValue().asText());
      }
    }
    return String.join(
        "\u0000",
        p.workload().toString(),
        p.workload().uid(),
        p.revision(),
        labels.toString(),
        String.join("\u0001", models),
        w.problems().toString(),
        // /mutate injects the verifier into each pod when it is created, with that moment's
        // policies: pods of one template can carry different verifiers, and only the pod that
        // represents a group is reviewed again, so pods whose init containers differ never share
        // one.
        p.object().path("spec").path("initContainers").toString());
  }
}
