package dev.modelgate.policy;

import dev.modelgate.source.ModelReference;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What policy matching needs to know about a workload: where it runs, its labels, its models, and
 * what a workload of its shape can do to declare a model when it names none ({@code modelRemedy},
 * the end of a NO_MODEL_DECLARED message).
 */
public record WorkloadContext(
    String kind,
    String namespace,
    String name,
    Map<String, String> namespaceLabels,
    Map<String, String> workloadLabels,
    List<ModelReference> models,
    String modelRemedy) {
  /** The remedy for a workload whose pod template can carry annotations. */
  public static final String ANNOTATE =
      "annotate the pod template with model.modelgate.dev/<name>: <uri> (oci://, pvc://claim/path, volume://volume/path),"
          + " or use an image volume or a KServe storage URI; where the pod template cannot be annotated, declare the model in the policy's spec.declaredModels";

  public WorkloadContext(
      String kind,
      String namespace,
      String name,
      Map<String, String> namespaceLabels,
      Map<String, String> workloadLabels,
      List<ModelReference> models) {
    this(kind, namespace, name, namespaceLabels, workloadLabels, models, ANNOTATE);
  }

  public WorkloadContext {
    Objects.requireNonNull(modelRemedy, "modelRemedy");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    namespaceLabels = Map.copyOf(namespaceLabels);
    workloadLabels = Map.copyOf(workloadLabels);
    models = List.copyOf(models);
  }
}
