package dev.modelgate.admission.serving;

import static dev.modelgate.testing.ServingResources.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.Reason;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelScheme;
import dev.modelgate.source.Placement.Stage;
import dev.modelgate.testing.ServingResources;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every storage shape of the serving resources (kserve/kserve
 * aaac4e294dae2c7b1aa1886447793f3aa1c30912; SeldonIO/seldon-core
 * 7b77f8b78e87f6d03030174570707eee00d5202e) gives the model URI the pods made from it carry, the
 * field the user wrote, and where it is verified.
 */
class ServingInspectorTest {
  static List<ModelReference> models(String yaml) {
    JsonNode o = tree(yaml);
    List<ServingComponent> parts = ServingInspector.inspect(o.path("kind").asText(), "ml", o);
    assertThat(parts.stream().flatMap(p -> p.problems().stream()).toList()).isEmpty();
    return parts.stream().flatMap(p -> p.models().stream()).toList();
  }

  static Stream<Arguments> shapes() {
    String reg = "registry.example.com/models/llama:1";
    return Stream.of(
        Arguments.of(
            "model.storageUri oci",
            ServingResources.inferenceService("oci://" + reg),
            "oci://" + reg,
            "spec.predictor.model.storageUri",
            Stage.ADMISSION),
        Arguments.of(
            "sklearn.storageUri s3 (old framework spec)",
            ServingResources.sklearnInferenceService("s3://bucket/iris"),
            "s3://bucket/iris",
            "spec.predictor.sklearn.storageUri",
            Stage.POD_REVIEW),
        Arguments.of(
            "hf download",
            ServingResources.inferenceService("hf://meta-llama/Llama-3.2-1B"),
            "hf://meta-llama/Llama-3.2-1B",
            "spec.predictor.model.storageUri",
            Stage.POD_REVIEW),
        Arguments.of(
            "pvc claim",
            ServingResources.inferenceService("pvc://models/llama"),
            "pvc://models/llama",
            "spec.predictor.model.storageUri",
            Stage.POD_REVIEW),
        Arguments.of(
            "oci+fetch: the initializer fetches oci://",
            ServingResources.inferenceService("oci+fetch://" + reg),
            "oci://" + reg,
            "spec.predictor.model.storageUri",
            Stage.POD_REVIEW),
        Arguments.of(
            "oci+native: an image volume",
            ServingResources.inferenceService("oci+native://" + reg),
            "oci://" + reg,
            "spec.predictor.model.storageUri",
            Stage.ADMISSION),
        Arguments.of(
            "storage spec",
            ServingResources.storageSpecInferenceService("localMinIO", "/sklearn/iris"),
            "storage-spec://sklearn/iris",
            "spec.predictor.model.storage.path",
            Stage.POD_REVIEW),
        Arguments.of(
            "LLMInferenceService oci",
            ServingResources.llmInferenceService("oci://" + reg),
            "oci://" + reg,
            "spec.model.uri",
            Stage.ADMISSION),
        Arguments.of(
            "LLMInferenceService hf",
            ServingResources.llmInferenceService("hf://meta-llama/Llama-3.2-1B"),
            "hf://meta-llama/Llama-3.2-1B",
            "spec.model.uri",
            Stage.POD_REVIEW),
        Arguments.of(
            "TrainedModel by digest",
            ServingResources.trainedModel("oci://" + reg + "@sha256:" + "a".repeat(64)),
            "oci://" + reg + "@sha256:" + "a".repeat(64),
            "spec.model.storageUri",
            Stage.ADMISSION),
        Arguments.of(
            "TrainedModel by tag",
            ServingResources.trainedModel("oci://" + reg),
            "oci://" + reg,
            "spec.model.storageUri",
            Stage.REFUSED),
        Arguments.of(
            "TrainedModel download",
            ServingResources.trainedModel("gs://kfserving-examples/models/sklearn/1.0/model"),
            "gs://kfserving-examples/models/sklearn/1.0/model",
            "spec.model.storageUri",
            Stage.REFUSED),
        Arguments.of(
            "Seldon Model by digest",
            ServingResources.seldonModel("oci://" + reg + "@sha256:" + "b".repeat(64)),
            "oci://" + reg + "@sha256:" + "b".repeat(64),
            "spec.storageUri",
            Stage.ADMISSION),
        Arguments.of(
            "Seldon Model download",
            ServingResources.seldonModel("gs://seldon-models/scv2/samples/mlserver_1.3.5/iris"),
            "gs://seldon-models/scv2/samples/mlserver_1.3.5/iris",
            "spec.storageUri",
            Stage.REFUSED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void eachStorageShapeNamesThePodsModelAndTheFieldWritten(
      String name, String yaml, String uri, String field, Stage stage) {
    List<ModelReference> models = models(yaml);

    assertThat(models).singleElement();
    ModelReference m = models.get(0);
    assertThat(m.uri().toString()).isEqualTo(uri);
    assertThat(m.field()).isEqualTo(field);
    assertThat(m.placement().stage()).isEqualTo(stage);
  }

  @Test
  void multiModelStorageUrisAreOneModelEach() {
    List<ModelReference> models =
        models(
            ServingResources.multiModelInferenceService(
                "oci://registry.example.com/models/base:1", "s3://bucket/adapter"));

    assertThat(models)
        .extracting(m -> m.name() + " " + m.uri() + " " + m.field() + " " + m.placement().stage())
        .containsExactly(
            "kserve-storage-mnt-models-base oci://registry.example.com/models/base:1"
                + " spec.predictor.storageUris[0].uri ADMISSION",
            "kserve-storage-mnt-models-adapter s3://bucket/adapter"
                + " spec.predictor.storageUris[1].uri POD_REVIEW");
  }

  @Test
  void customContainersAndTheTransformerAreTheirOwnComponents() {
    JsonNode o =
        tree(
            ServingResources.customInferenceService(
                "oci://registry.example.com/models/llama:1", "s3://bucket/tokenizer"));

    List<ServingComponent> parts = ServingInspector.inspect("InferenceService", "ml", o);

    assertThat(parts)
        .extracting(ServingComponent::name)
        .containsExactly("predictor", "transformer");
    assertThat(parts.get(0).models())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.field()).isEqualTo("spec.predictor.containers[0].env[1].value");
              assertThat(m.uri().scheme()).isEqualTo(ModelScheme.OCI);
            });
    assertThat(parts.get(1).models().get(0).field())
        .isEqualTo("spec.transformer.containers[0].env[0].value");
    assertThat(parts.get(1).labels())
        .containsEntry("component", "transformer")
        .containsEntry("serving.kserve.io/inferenceservice", "llama");
  }

  @Test
  void podLabelsAreTheResourcesThenTheComponentsThenKServes() {
    JsonNode o = tree(ServingResources.inferenceService("s3://bucket/llama"));

    ServingComponent predictor = ServingInspector.inspect("InferenceService", "ml", o).get(0);

    assertThat(predictor.labels())
        .containsEntry("team", "nlp")
        .containsEntry("serving.kserve.io/inferenceservice", "llama")
        .containsEntry("component", "predictor");
  }

  @Test
  void loraAdaptersAreModelsToo() {
    List<ModelReference> models =
        models(
            ServingResources.llmInferenceService(
                "hf://meta-llama/Llama-3.2-1B",
                "sql",
                "hf://acme/sql-lora",
                "chat",
                "pvc://adapters/chat"));

    assertThat(models)
        .extracting(m -> m.name() + " " + m.uri() + " " + m.field())
        .containsExactly(
            "kserve-storage hf://meta-llama/Llama-3.2-1B spec.model.uri",
            "lora-sql hf://acme/sql-lora spec.model.lora.adapters[0].uri",
            "lora-chat pvc://adapters/chat spec.model.lora.adapters[1].uri");
  }

  @Test
  void anOciLoraAdapterIsRefusedAsKServeRefusesIt() {
    List<ModelReference> models =
        models(
            ServingResources.llmInferenceService(
                "hf://meta-llama/Llama-3.2-1B", "sql", "oci://registry.example.com/lora:1"));

    assertThat(models.get(1).placement().stage()).isEqualTo(Stage.REFUSED);
    assertThat(models.get(1).placement().detail()).contains("has scheme 'oci'");
  }

  @Test
  void aDisabledStorageInitializerLeavesTheServerToFetchItsModelAndIsRefused() {
    String yaml =
        ServingResources.llmInferenceService("hf://meta-llama/Llama-3.2-1B")
            + "  storageInitializer: {enabled: false}\n";

    List<ModelReference> models = models(yaml);

    assertThat(models.get(0).placement().stage()).isEqualTo(Stage.REFUSED);
    assertThat(models.get(0).placement().detail())
        .contains("spec.storageInitializer.enabled is false");
  }

  @Test
  void bothStorageUriAndStoragePathIsAProblemAsKServeSays() {
    JsonNode o =
        tree(
            """
            apiVersion: serving.kserve.io/v1beta1
            kind: InferenceService
            metadata: {name: llama, namespace: ml}
            spec:
              predictor:
                model: {storageUri: "s3://a/b", storage: {key: k, path: /c}}
            """);

    var problems = ServingInspector.inspect("InferenceService", "ml", o).get(0).problems();

    assertThat(problems)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.MODEL_REFERENCE_INVALID);
              assertThat(f.toString()).contains("storageUri and storage.path");
            });
  }

  @Test
  void badUrisAndMissingPartsAreProblemsWithTheirField() {
    JsonNode bad = tree(ServingResources.inferenceService("oci://"));
    JsonNode empty = tree(ServingResources.seldonModel(""));
    JsonNode noPredictor =
        tree(
            "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: x}\n");

    assertThat(ServingInspector.inspect("InferenceService", "ml", bad).get(0).problems())
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.field().orElseThrow().toString())
                    .isEqualTo("spec.predictor.model.storageUri"));
    assertThat(ServingInspector.inspect("Model", "ml", empty).get(0).problems())
        .singleElement()
        .satisfies(f -> assertThat(f.toString()).contains("storage URI is empty"));
    assertThat(ServingInspector.inspect("InferenceService", "ml", noPredictor).get(0).problems())
        .singleElement()
        .satisfies(f -> assertThat(f.reason()).isEqualTo(Reason.REQUEST_MALFORMED));
  }

  static Stream<Arguments> malformed() {
    String head =
        "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: x}\n";
    return Stream.of(
        Arguments.of(
            "storageUri an object",
            head + "spec: {predictor: {model: {storageUri: {a: b}}}}",
            "spec.predictor.model.storageUri",
            Reason.MODEL_REFERENCE_INVALID),
        Arguments.of(
            "storageUri a number",
            head + "spec: {predictor: {sklearn: {storageUri: 12}}}",
            "spec.predictor.sklearn.storageUri",
            Reason.MODEL_REFERENCE_INVALID),
        Arguments.of(
            "storageUris not a list",
            head + "spec: {predictor: {storageUris: {uri: 's3://a/b'}}}",
            "spec.predictor.storageUris",
            Reason.REQUEST_MALFORMED),
        Arguments.of(
            "containers not a list",
            head + "spec: {predictor: {containers: {name: kserve-container}}}",
            "spec.predictor.containers",
            Reason.REQUEST_MALFORMED),
        Arguments.of(
            "env not a list",
            head + "spec: {predictor: {containers: [{name: kserve-container, env: 3}]}}",
            "spec.predictor.containers[0].env",
            Reason.REQUEST_MALFORMED),
        Arguments.of(
            "a storage URI over the length limit",
            head
                + "spec: {predictor: {model: {storageUri: 'oci://r.example.com/"
                + "a".repeat(3000)
                + ":1'}}}",
            "spec.predictor.model.storageUri",
            null),
        Arguments.of(
            "a signature annotation that climbs out of the model",
            "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\n"
                + "metadata: {name: x, annotations: {signature.modelgate.dev/kserve-storage: ../../etc/sig}}\n"
                + "spec: {predictor: {model: {storageUri: 'oci://r.example.com/m:1'}}}",
            "metadata.annotations[signature.modelgate.dev/kserve-storage]",
            null),
        Arguments.of(
            "LoRA adapters not a list",
            "apiVersion: serving.kserve.io/v1alpha1\nkind: LLMInferenceService\nmetadata: {name: x}\n"
                + "spec: {model: {uri: 'hf://a/b', lora: {adapters: 'hf://c/d'}}}",
            "spec.model.lora.adapters",
            Reason.REQUEST_MALFORMED),
        Arguments.of(
            "a Seldon Model without storageUri",
            "apiVersion: mlops.seldon.io/v1alpha1\nkind: Model\nmetadata: {name: x}\nspec: {}",
            "spec.storageUri",
            Reason.MODEL_REFERENCE_INVALID));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedResourcesAreProblemsAtTheirFieldNeverExceptions(
      String name, String yaml, String field, Reason reason) {
    JsonNode o = tree(yaml);

    var problems =
        ServingInspector.inspect(o.path("kind").asText(), "ml", o).stream()
            .flatMap(p -> p.problems().stream())
            .toList();

    assertThat(problems)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.field().orElseThrow().toString()).isEqualTo(field);
              if (reason != null) {
                assertThat(f.reason()).isEqualTo(reason);
              }
            });
  }

  @Test
  void onlyTheServingGroupsAreServingResources() {
    assertThat(ServingInspector.reviews("Model", tree("apiVersion: mlops.seldon.io/v1alpha1")))
        .isTrue();
    assertThat(ServingInspector.reviews("Model", tree("apiVersion: example.com/v1"))).isFalse();
    assertThat(
            ServingInspector.reviews(
                "InferenceService", tree("apiVersion: serving.kserve.io/v1beta1")))
        .isTrue();
    assertThat(ServingInspector.reviews("Deployment", tree("apiVersion: apps/v1"))).isFalse();
  }

  @Test
  void tooManyModelsIsALimit() {
    StringBuilder uris = new StringBuilder();
    for (int i = 0; i <= ServingInspector.MAX_MODELS; i++) {
      uris.append("      - {uri: \"s3://b/")
          .append(i)
          .append("\", mountPath: /mnt/models/m")
          .append(i)
          .append("}\n");
    }
    JsonNode o =
        tree(
            "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: x}\n"
                + "spec:\n  predictor:\n    storageUris:\n"
                + uris);

    var parts = ServingInspector.inspect("InferenceService", "ml", o);

    assertThat(parts.get(0).problems())
        .singleElement()
        .satisfies(f -> assertThat(f.reason()).isEqualTo(Reason.LIMIT_EXCEEDED));
  }
}
