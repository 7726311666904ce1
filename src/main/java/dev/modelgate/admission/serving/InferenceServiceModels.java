package dev.modelgate.admission.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.Failure;
import dev.modelgate.core.FieldPath;
import dev.modelgate.core.Reason;
import dev.modelgate.source.Placement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The models of a KServe InferenceService (serving.kserve.io/v1beta1), read per component as the
 * controller and the pod webhook turn them into pods (kserve/kserve
 * aaac4e294dae2c7b1aa1886447793f3aa1c30912):
 *
 * <ul>
 *   <li>pkg/apis/serving/v1beta1/predictor.go: {@code storageUri} or {@code storage: {key, path}}
 *       of the one implementation set ({@code model}, or an old-style framework spec such as {@code
 *       sklearn}), and the multi-model {@code storageUris[].uri};
 *   <li>predictor_custom.go, transformer_custom.go, explainer_custom.go: a custom container's
 *       {@code STORAGE_URI} environment variable ({@code kserve-container} for the predictor, the
 *       first container otherwise); explainer.go: {@code art.storageUri};
 *   <li>pkg/controller/v1beta1/inferenceservice/components/predictor.go buildObjectMeta: the pod
 *       labels are the resource's, then the component's, then {@code
 *       serving.kserve.io/inferenceservice: <name>} and {@code component: <component>} (a
 *       ServingRuntime's own labels are not known at admission).
 * </ul>
 *
 * <p>A {@code storage: {key, path}} spec names its bucket only in KServe's storage Secret
 * (pkg/credentials CreateStorageSpecSecretEnvs), which ModelGate does not read: the model is {@code
 * storage-spec://<path>} here and decided with its real URI at the Pod's review.
 */
final class InferenceServiceModels {
  static final String ISVC_LABEL = "serving.kserve.io/inferenceservice";
  static final String COMPONENT_LABEL = "component";
  static final String DEFAULT_NAME = "kserve-storage";
  static final String CUSTOM_STORAGE_URI = "STORAGE_URI";
  static final String KSERVE_CONTAINER = "kserve-container";
  static final String STORAGE_SPEC = "storage-spec://";

  /** PredictorSpec's implementations, each a PredictorExtensionSpec with storageUri/storage. */
  static final List<String> PREDICTORS =
      List.of(
          "model",
          "sklearn",
          "xgboost",
          "tensorflow",
          "pytorch",
          "triton",
          "onnx",
          "huggingface",
          "pmml",
          "lightgbm",
          "paddle");

  /** ExplainerSpec's implementations (ExplainerExtensionSpec). */
  static final List<String> EXPLAINERS = List.of("art");

  private InferenceServiceModels() {}

  static List<ServingComponent> read(String namespace, JsonNode isvc) {
    String name = isvc.path("metadata").path("name").asText();
    JsonNode spec = isvc.path("spec");
    List<ServingComponent> out = new ArrayList<>();
    if (!spec.path("predictor").isObject()) {
      out.add(
          new ServingComponent(
              "predictor",
              Map.of(),
              List.of(),
              List.of(
                  Failure.atField(
                      Reason.REQUEST_MALFORMED,
                      FieldPath.of("spec.predictor"),
                      "InferenceService '" + name + "' has no spec.predictor"))));
      return out;
    }
    out.add(component(namespace, isvc, "predictor", PREDICTORS));
    if (spec.path("transformer").isObject()) {
      out.add(component(namespace, isvc, "transformer", List.of()));
    }
    if (spec.path("explainer").isObject()) {
      out.add(component(namespace, isvc, "explainer", EXPLAINERS));
    }
    return out;
  }

  private static ServingComponent component(
      String namespace, JsonNode isvc, String component, List<String> implementations) {
    String where = "spec." + component;
    JsonNode c = isvc.path("spec").path(component);
    String who = "KServe's " + component;
    ServingReader r = new ServingReader();
    for (String impl : implementations) {
      JsonNode spec = c.path(impl);
      if (!spec.isObject()) {
        continue;
      }
      String field = where + "." + impl;
      JsonNode uri = spec.path("storageUri");
      JsonNode storage = spec.path("storage");
      if (!uri.isMissingNode() && !uri.isNull() && storage.path("path").isTextual()) {
        r.problems.add(
            Failure.atField(
                Reason.MODEL_REFERENCE_INVALID,
                FieldPath.of(field),
                "names both storageUri and storage.path; KServe refuses this (\"must provide only"
                    + " one of storageUri and storage.path\")"));
        continue;
      }
      if (!uri.isMissingNode() && !uri.isNull()) {
        String text = r.uri(uri, field + ".storageUri");
        if (text != null) {
          r.add(
              field + ".storageUri",
              () ->
                  StorageSource.kserve(
                      DEFAULT_NAME, text, field + ".storageUri", who + " storage-initializer"));
        }
      } else if (storage.path("path").isTextual()) {
        String path = storage.path("path").asText().replaceFirst("^/+", "");
        String key = storage.path("key").asText("");
        r.add(
            field + ".storage.path",
            () ->
                StorageSource.kserve(
                        DEFAULT_NAME,
                        STORAGE_SPEC + path,
                        field + ".storage.path",
                        who + " storage-initializer")
                    .withPlacement(
                        Placement.podReview(
                            "KServe resolves storage "
                                + (key.isEmpty() ? "(default key)" : "key " + key)
                                + " to its bucket from the storage Secret, and its storage-initializer"
                                + " downloads the model in the Pod, whose review decides it by its real"
                                + " URI and places ModelGate's verifier after the download")));
      }
    }
    customStorageUri(c, where, component, who, r);
    JsonNode uris = r.array(c, "storageUris", where + ".storageUris");
    for (int i = 0; i < uris.size(); i++) {
      String field = where + ".storageUris[" + i + "].uri";
      String mount = uris.get(i).path("mountPath").asText("");
      String text = r.uri(uris.get(i).path("uri"), field);
      String model = DEFAULT_NAME + "-" + mount.replaceAll("^/+|/+$", "").replace('/', '-');
      if (text != null) {
        r.add(field, () -> StorageSource.kserve(model, text, field, who + " storage-initializer"));
      }
    }
    Map<String, String> labels =
        ServingReader.union(
            ServingReader.strings(isvc.path("metadata").path("labels")),
            ServingReader.strings(c.path("labels")),
            Map.of(
                ISVC_LABEL,
                isvc.path("metadata").path("name").asText(),
                COMPONENT_LABEL,
                component));
    Map<String, String> annotations =
        ServingReader.union(
            ServingReader.strings(isvc.path("metadata").path("annotations")),
            ServingReader.strings(c.path("annotations")));
    return r.component(
        component, labels, annotations, "metadata.annotations", ServingReader.access(namespace, c));
  }

  /**
   * A custom container's STORAGE_URI: the predictor's {@code kserve-container} (or its only
   * container), the first container of a transformer or explainer.
   */
  private static void customStorageUri(
      JsonNode c, String where, String component, String who, ServingReader r) {
    JsonNode containers = r.array(c, "containers", where + ".containers");
    for (int i = 0; i < containers.size(); i++) {
      boolean chosen =
          component.equals("predictor")
              ? KSERVE_CONTAINER.equals(containers.get(i).path("name").asText())
                  || containers.size() == 1 && containers.get(i).path("name").asText("").isEmpty()
              : i == 0;
      if (!chosen) {
        continue;
      }
      JsonNode env = r.array(containers.get(i), "env", where + ".containers[" + i + "].env");
      for (int j = 0; j < env.size(); j++) {
        if (CUSTOM_STORAGE_URI.equals(env.get(j).path("name").asText())
            && env.get(j).has("value")) {
          String field = where + ".containers[" + i + "].env[" + j + "].value";
          String text = r.uri(env.get(j).path("value"), field);
          if (text == null) {
            break;
          }
          r.add(
              field,
              () -> StorageSource.kserve(DEFAULT_NAME, text, field, who + " storage-initializer"));
          break;
        }
      }
      return;
    }
  }
}
