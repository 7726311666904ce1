package dev.modelgate.admission;

import dev.modelgate.admission.runtimeargs.CoveredRead;
import dev.modelgate.core.Failure;
import dev.modelgate.source.ModelReference;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A workload's pod template as ModelGate sees it: its labels, the models it uses, and every problem
 * found reading them (a bad URI, too many models), each of which denies; and the runtime arguments
 * that read inside those models ({@code coveredReads}, named by the model as listed here), which
 * admission judges against each model's policy.
 */
public record Workload(
    String kind,
    String namespace,
    String name,
    Map<String, String> labels,
    List<ModelReference> models,
    List<Failure> problems,
    List<CoveredRead> coveredReads) {
  public Workload {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
    models = List.copyOf(models);
    problems = List.copyOf(problems);
    coveredReads = List.copyOf(coveredReads);
  }

  /** A workload whose runtimes read inside none of its models. */
  public Workload(
      String kind,
      String namespace,
      String name,
      Map<String, String> labels,
      List<ModelReference> models,
      List<Failure> problems) {
    this(kind, namespace, name, labels, models, problems, List.of());
  }
}
