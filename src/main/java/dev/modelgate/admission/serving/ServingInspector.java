package dev.modelgate.admission.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.source.ModelReference;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds the models of a serving resource ({@link ServingKind}) with the rules of the pods made from
 * it, one {@link ServingComponent} per kind of pod, so that the policies that decide those pods
 * decide the resource when it is applied. The pods are still reviewed and stay the enforcement
 * point; this answers the user at {@code kubectl apply}.
 */
public final class ServingInspector {
  /** Most models verified for one resource, as for a workload. */
  public static final int MAX_MODELS = 64;

  private static final Pattern URI_FIELD =
      Pattern.compile("^spec\\..*(storageUri|\\.uri|\\.env\\[\\d+\\]\\.value)$");

  private ServingInspector() {}

  /** True for the serving resources ModelGate decides. */
  public static boolean reviews(String kind, JsonNode object) {
    return ServingKind.of(kind, object).isPresent();
  }

  /**
   * The components of a serving resource; {@code kind} must be one {@link #reviews} accepts. Never
   * throws for bad input: what cannot be read is a problem of a component.
   */
  public static List<ServingComponent> inspect(String kind, String namespace, JsonNode object) {
    ServingKind k =
        ServingKind.of(kind, object)
            .orElseThrow(() -> new IllegalArgumentException(kind + " is not a serving resource"));
    List<ServingComponent> parts;
    switch (k) {
      case INFERENCE_SERVICE:
        parts = InferenceServiceModels.read(namespace, object);
        break;
      case LLM_INFERENCE_SERVICE:
        parts = LlmInferenceServiceModels.read(namespace, object);
        break;
      case TRAINED_MODEL:
        parts = LoadedModels.trainedModel(namespace, object);
        break;
      case SELDON_MODEL:
      default:
        parts = LoadedModels.seldonModel(namespace, object);
        break;
    }
    int total = parts.stream().mapToInt(p -> p.models().size()).sum();
    if (total > MAX_MODELS) {
      return List.of(
          new ServingComponent(
              "resource",
              Map.of(),
              List.of(),
              List.of(
                  Failure.of(
                      Reason.LIMIT_EXCEEDED,
                      "%s '%s' names %d models; ModelGate verifies at most %d per resource",
                      kind,
                      object.path("metadata").path("name").asText(),
                      total,
                      MAX_MODELS))));
    }
    return parts;
  }

  /**
   * True for a model whose URI only the Pod knows: a {@code storage: {key, path}} spec, whose
   * bucket is in KServe's storage Secret. No policy can be matched to it here; the Pod's review
   * decides it by the URI KServe writes there.
   */
  public static boolean decidedByItsPod(ModelReference m) {
    return m.uri().toString().startsWith(InferenceServiceModels.STORAGE_SPEC);
  }

  /**
   * True for a field of a serving resource that holds a storage URI as written ({@code
   * spec.predictor.model.storageUri}, {@code spec.model.uri}, a custom container's {@code
   * STORAGE_URI} value): its digest pin keeps the scheme the user wrote.
   */
  public static boolean namesStorageUri(String field) {
    return URI_FIELD.matcher(field).matches();
  }
}
