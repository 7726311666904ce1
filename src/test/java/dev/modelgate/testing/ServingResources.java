package dev.modelgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.admission.AdmissionRequest;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Serving resources as users write them, in namespace {@code ml} and named {@code llama} (the name
 * {@link KServePods} gives the predictor pods), shaped after the types at kserve/kserve
 * aaac4e294dae2c7b1aa1886447793f3aa1c30912 (pkg/apis/serving/v1beta1/predictor.go
 * PredictorSpec/PredictorExtensionSpec/StorageUri/ModelStorageSpec, predictor_custom.go,
 * pkg/apis/serving/v1alpha2/llm_inference_service_types.go LLMModelSpec/LoRASpec,
 * pkg/apis/serving/v1alpha1/trained_model.go) and SeldonIO/seldon-core
 * 7b77f8b78e87f6d03030174570707eee00d5202e (operator/apis/mlops/v1alpha1/model_types.go).
 */
public final class ServingResources {
  private ServingResources() {}

  /** v1beta1 with the current predictor shape: {@code model: {modelFormat, storageUri}}. */
  public static String inferenceService(String storageUri) {
    return """
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: llama, namespace: ml, labels: {team: nlp}}
        spec:
          predictor:
            model:
              modelFormat: {name: huggingface}
              storageUri: "%s"
        """
        .formatted(storageUri);
  }

  /** The old framework shape: {@code sklearn: {storageUri}}. */
  public static String sklearnInferenceService(String storageUri) {
    return """
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: llama, namespace: ml}
        spec:
          predictor:
            sklearn:
              storageUri: "%s"
        """
        .formatted(storageUri);
  }

  /** {@code storage: {key, path}}: the bucket is in KServe's storage Secret. */
  public static String storageSpecInferenceService(String key, String path) {
    return """
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: llama, namespace: ml}
        spec:
          predictor:
            model:
              modelFormat: {name: sklearn}
              storage: {key: %s, path: %s}
        """
        .formatted(key, path);
  }

  /** Multi-model {@code storageUris}, each with its mount path. */
  public static String multiModelInferenceService(String first, String second) {
    return """
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: llama, namespace: ml}
        spec:
          predictor:
            storageUris:
              - {uri: "%s", mountPath: /mnt/models/base}
              - {uri: "%s", mountPath: /mnt/models/adapter}
            containers:
              - name: kserve-container
                image: vllm/vllm-openai:v0.11.0
        """
        .formatted(first, second);
  }

  /** A custom predictor naming its model in STORAGE_URI, and a transformer with its own. */
  public static String customInferenceService(String predictorUri, String transformerUri) {
    return """
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: llama, namespace: ml}
        spec:
          predictor:
            containers:
              - name: kserve-container
                image: example.com/server:1
                env:
                  - {name: LOG_LEVEL, value: debug}
                  - {name: STORAGE_URI, value: "%s"}
          transformer:
            containers:
              - name: kserve-container
                image: example.com/transformer:1
                env:
                  - {name: STORAGE_URI, value: "%s"}
        """
        .formatted(predictorUri, transformerUri);
  }

  /** An LLMInferenceService, with LoRA adapters when {@code adapters} are given (name, uri). */
  public static String llmInferenceService(String uri, String... adapters) {
    StringBuilder lora = new StringBuilder();
    if (adapters.length > 0) {
      lora.append("    lora:\n      adapters:\n");
      for (int i = 0; i < adapters.length; i += 2) {
        lora.append("        - {name: ")
            .append(adapters[i])
            .append(", uri: \"")
            .append(adapters[i + 1])
            .append("\"}\n");
      }
    }
    return """
        apiVersion: serving.kserve.io/v1alpha2
        kind: LLMInferenceService
        metadata: {name: llama, namespace: ml}
        spec:
          model:
            name: llama
            uri: "%s"
        %s"""
        .formatted(uri, lora);
  }

  public static String trainedModel(String storageUri) {
    return """
        apiVersion: serving.kserve.io/v1alpha1
        kind: TrainedModel
        metadata: {name: llama-v2, namespace: ml}
        spec:
          inferenceService: llama
          model: {storageUri: "%s", framework: pytorch, memory: 1Gi}
        """
        .formatted(storageUri);
  }

  public static String seldonModel(String storageUri) {
    return """
        apiVersion: mlops.seldon.io/v1alpha1
        kind: Model
        metadata: {name: iris, namespace: ml}
        spec:
          storageUri: "%s"
          requirements: [sklearn]
        """
        .formatted(storageUri);
  }

  public static JsonNode tree(String yaml) {
    try {
      return new YAMLMapper().readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An UPDATE from {@code before} to {@code after}. */
  public static AdmissionRequest update(String before, String after) {
    JsonNode now = tree(after);
    return new AdmissionRequest(
        "admission.k8s.io/v1",
        "uid-2",
        now.path("kind").asText(),
        now.at("/metadata/namespace").asText(),
        now.at("/metadata/name").asText(),
        "UPDATE",
        "",
        false,
        now,
        before == null ? MissingNode.getInstance() : tree(before));
  }
}
