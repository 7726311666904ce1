package dev.modelgate.admission.serving;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The serving resources ModelGate decides, by API group and kind. The group is read from the
 * object's {@code apiVersion}, since {@code Model} alone names other groups' kinds too.
 */
public enum ServingKind {
  /** serving.kserve.io/v1beta1 (pkg/apis/serving/v1beta1/inference_service.go). */
  INFERENCE_SERVICE("serving.kserve.io", "InferenceService"),
  /** serving.kserve.io/v1alpha1 and v1alpha2 (llm_inference_service_types.go). */
  LLM_INFERENCE_SERVICE("serving.kserve.io", "LLMInferenceService"),
  /**
   * serving.kserve.io/v1alpha1 (trained_model.go): loaded by the model agent of a running server.
   */
  TRAINED_MODEL("serving.kserve.io", "TrainedModel"),
  /** mlops.seldon.io/v1alpha1 (operator/apis/mlops/v1alpha1/model_types.go). */
  SELDON_MODEL("mlops.seldon.io", "Model");

  private final String group;
  private final String kind;

  ServingKind(String group, String kind) {
    this.group = group;
    this.kind = kind;
  }

  public String group() {
    return group;
  }

  public String kind() {
    return kind;
  }

  /** The serving kind of {@code object} (reviewed as {@code kind}), if it is one. */
  public static Optional<ServingKind> of(String kind, JsonNode object) {
    String apiVersion = object.path("apiVersion").asText("");
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    for (ServingKind k : values()) {
      if (k.kind.equals(kind) && k.group.equals(group)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
