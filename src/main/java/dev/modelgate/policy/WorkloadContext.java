package dev.modelgate.policy;

import dev.modelgate.source.ModelReference;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What policy matching needs to know about a workload: where it runs, its labels, its models. */
public record WorkloadContext(
    String kind,
    String namespace,
    String name,
    Map<String, String> namespaceLabels,
    Map<String, String> workloadLabels,
    List<ModelReference> models) {
  public WorkloadContext {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    namespaceLabels = Map.copyOf(namespaceLabels);
    workloadLabels = Map.copyOf(workloadLabels);
    models = List.copyOf(models);
  }
}
