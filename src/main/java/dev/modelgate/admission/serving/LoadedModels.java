package dev.modelgate.admission.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.modelgate.source.RegistryAccess;
import java.util.List;
import java.util.Map;

/**
 * Models loaded into servers that are already running, so no pod is made and reviewed for them:
 *
 * <ul>
 *   <li>KServe TrainedModel (serving.kserve.io/v1alpha1, kserve/kserve
 *       aaac4e294dae2c7b1aa1886447793f3aa1c30912 pkg/apis/serving/v1alpha1/trained_model.go):
 *       {@code spec.model.storageUri}, pulled by the model agent of InferenceService {@code
 *       spec.inferenceService};
 *   <li>Seldon Core 2 Model (mlops.seldon.io/v1alpha1, SeldonIO/seldon-core
 *       7b77f8b78e87f6d03030174570707eee00d5202e operator/apis/mlops/v1alpha1/model_types.go,
 *       InferenceArtifactSpec): {@code spec.storageUri}, pulled by Seldon's agent (rclone).
 * </ul>
 *
 * Each is verified at admission when it is content-addressed (OCI by digest) and refused otherwise
 * ({@link StorageSource#loaded}).
 */
final class LoadedModels {
  private LoadedModels() {}

  static List<ServingComponent> trainedModel(String namespace, JsonNode tm) {
    String name = tm.path("metadata").path("name").asText();
    ServingReader r = new ServingReader();
    JsonNode uri = tm.path("spec").path("model").path("storageUri");
    String field = "spec.model.storageUri";
    String text = r.uri(uri.isMissingNode() ? TextNode.valueOf("") : uri, field);
    if (text != null) {
      r.add(field, () -> StorageSource.loaded(name, text, field, "KServe's model agent"));
    }
    Map<String, String> labels =
        ServingReader.union(
            ServingReader.strings(tm.path("metadata").path("labels")),
            Map.of(
                InferenceServiceModels.ISVC_LABEL,
                tm.path("spec").path("inferenceService").asText()));
    return List.of(
        r.component(
            "model",
            labels,
            ServingReader.strings(tm.path("metadata").path("annotations")),
            "metadata.annotations",
            new RegistryAccess(namespace, "default", List.of())));
  }

  static List<ServingComponent> seldonModel(String namespace, JsonNode model) {
    String name = model.path("metadata").path("name").asText();
    ServingReader r = new ServingReader();
    JsonNode uri = model.path("spec").path("storageUri");
    String field = "spec.storageUri";
    String text = r.uri(uri.isMissingNode() ? TextNode.valueOf("") : uri, field);
    if (text != null) {
      r.add(field, () -> StorageSource.loaded(name, text, field, "Seldon's agent"));
    }
    return List.of(
        r.component(
            "model",
            ServingReader.strings(model.path("metadata").path("labels")),
            ServingReader.strings(model.path("metadata").path("annotations")),
            "metadata.annotations",
            new RegistryAccess(namespace, "default", List.of())));
  }
}
