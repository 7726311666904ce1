package dev.modelgate.admission.serving;

import dev.modelgate.core.Failure;
import dev.modelgate.source.ModelReference;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One part of a serving resource that becomes its own pods (an InferenceService's predictor,
 * transformer or explainer; an LLMInferenceService's workload; the server a TrainedModel or Seldon
 * Model is loaded into): the labels those pods carry, for policies' workload selectors, the models
 * they use, and every problem reading them, each of which denies.
 */
public record ServingComponent(
    String name, Map<String, String> labels, List<ModelReference> models, List<Failure> problems) {
  public ServingComponent {
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
    models = List.copyOf(models);
    problems = List.copyOf(problems);
  }
}
