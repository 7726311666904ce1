package dev.modelgate.admission.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.Placement;
import java.util.List;
import java.util.Map;

/**
 * The models of a KServe LLMInferenceService (serving.kserve.io v1alpha1 and v1alpha2, the same
 * {@code spec.model}), as the controller attaches them to its workload pods (kserve/kserve
 * aaac4e294dae2c7b1aa1886447793f3aa1c30912, pkg/controller/v1alpha2/llmisvc/workload_storage.go
 * attachModelArtifacts, workload_lora.go resolveLoRAAdapters):
 *
 * <ul>
 *   <li>{@code spec.model.uri}: {@code hf://} and {@code s3://} downloaded by a
 *       storage-initializer, {@code pvc://} mounted, {@code oci://} a modelcar (or image volume),
 *       {@code oci+native://} an image volume; any other scheme the controller refuses;
 *   <li>{@code spec.model.lora.adapters[].uri}: {@code hf://}, {@code s3://} (downloaded beside the
 *       model) and {@code pvc://} (mounted as {@code lora-pvc-<name>}); {@code oci://} is refused
 *       by KServe itself ("oci:// is not supported for LoRA adapters");
 *   <li>{@code spec.storageInitializer.enabled: false}: nothing is attached and the server fetches
 *       the model itself, which nothing ModelGate places can verify: refused;
 *   <li>workload_single_node.go singleNodeLabels and {@code spec.labels}: the pod labels.
 * </ul>
 */
final class LlmInferenceServiceModels {
  static final List<String> MODEL_SCHEMES = List.of("hf", "s3", "pvc", "oci", "oci+native");
  static final List<String> ADAPTER_SCHEMES = List.of("hf", "s3", "pvc");

  private LlmInferenceServiceModels() {}

  static List<ServingComponent> read(String namespace, JsonNode llm) {
    String name = llm.path("metadata").path("name").asText();
    JsonNode spec = llm.path("spec");
    boolean noInitializer =
        spec.path("storageInitializer").path("enabled").isBoolean()
            && !spec.path("storageInitializer").path("enabled").asBoolean();
    ServingReader r = new ServingReader();
    String who = "KServe's LLMInferenceService controller";
    add(
        r,
        "kserve-storage",
        spec.path("model").path("uri"),
        "spec.model.uri",
        MODEL_SCHEMES,
        who,
        noInitializer);
    JsonNode adapters =
        r.array(spec.path("model").path("lora"), "adapters", "spec.model.lora.adapters");
    for (int i = 0; i < adapters.size(); i++) {
      JsonNode a = adapters.get(i);
      add(
          r,
          "lora-" + a.path("name").asText(String.valueOf(i)),
          a.path("uri"),
          "spec.model.lora.adapters[" + i + "].uri",
          ADAPTER_SCHEMES,
          who,
          noInitializer);
    }
    Map<String, String> labels =
        ServingReader.union(
            ServingReader.strings(spec.path("labels")),
            Map.of(
                "app.kubernetes.io/component", "llminferenceservice-workload",
                "app.kubernetes.io/name", name,
                "app.kubernetes.io/part-of", "llminferenceservice"));
    return List.of(
        r.component(
            "workload",
            labels,
            ServingReader.union(
                ServingReader.strings(llm.path("metadata").path("annotations")),
                ServingReader.strings(spec.path("annotations"))),
            "metadata.annotations",
            ServingReader.access(namespace, spec.path("template"))));
  }

  private static void add(
      ServingReader r,
      String model,
      JsonNode uri,
      String field,
      List<String> schemes,
      String who,
      boolean noInitializer) {
    if (uri.isMissingNode() || uri.isNull()) {
      return;
    }
    String text = r.uri(uri, field);
    if (text == null) {
      return;
    }
    String scheme = text.contains("://") ? text.substring(0, text.indexOf("://")) : "";
    r.add(
        field,
        () -> {
          ModelReference m = StorageSource.kserve(model, text, field, who);
          if (!schemes.contains(scheme)) {
            return m.withPlacement(
                Placement.refused(
                    field
                        + " has scheme '"
                        + scheme
                        + "', which KServe does not deliver here (supported: "
                        + String.join("://, ", schemes)
                        + "://)"));
          }
          if (noInitializer) {
            return m.withPlacement(
                Placement.refused(
                    "spec.storageInitializer.enabled is false: KServe attaches nothing and the"
                        + " server fetches "
                        + text
                        + " itself, where nothing ModelGate places verifies it before use"));
          }
          return m;
        });
  }
}
