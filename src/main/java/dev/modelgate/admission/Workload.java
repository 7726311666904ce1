package dev.modelgate.admission;

import dev.modelgate.core.Failure;
import dev.modelgate.source.ModelReference;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A workload's pod template as ModelGate sees it: its labels, the models it uses, and every problem
 * found reading them (a bad URI, too many models), each of which denies.
 */
public record Workload(
    String kind,
    String namespace,
    String name,
    Map<String, String> labels,
    List<ModelReference> models,
    List<Failure> problems) {
  public Workload {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
    models = List.copyOf(models);
    problems = List.copyOf(problems);
  }
}
