package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.ModelGateException;
import dev.modelgate.core.Reason;
import dev.modelgate.core.StrictJson;
import dev.modelgate.oms.IgnoreRules;
import dev.modelgate.source.ModelPackPublisher;
import dev.modelgate.testing.TestModels;
import dev.modelgate.testing.TestRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Manifest resolution against a real registry (Debian's docker-registry 2.8.2): a tag to the digest
 * of the bytes served, an index to its one model manifest.
 */
class ManifestResolverTest {
  @TempDir Path tmp;
  TestRegistry registry;
  final RegistryClient client = new RegistryClient(RegistryCredentials.NONE, Set.of());
  OciReference model;
  Instant deadline;

  @BeforeEach
  void setUp() throws Exception {
    registry = TestRegistry.startOrSkip(tmp);
    deadline = Instant.now().plus(Duration.ofSeconds(30));
    model =
        new ModelPackPublisher(client)
            .publish(
                TestModels.sample(tmp, "model"),
                OciReference.parse(registry.host + "/models/llm:v1"),
                new IgnoreRules(List.of()),
                List.of(),
                deadline)
            .model();
  }

  @AfterEach
  void tearDown() {
    if (registry != null) {
      registry.close();
    }
  }

  private OciManifest resolve(String reference) {
    return new ManifestResolver(client).resolve(OciReference.parse(reference), deadline);
  }

  /** Pushes an index under {@code tag} whose entries all name the model manifest. */
  private void index(String tag, List<Map<String, Object>> entries) throws Exception {
    int size = client.manifest(model, deadline).bytes().length;
    List<Object> manifests = new ArrayList<>();
    for (Map<String, Object> e : entries) {
      Map<String, Object> m = new LinkedHashMap<>(e);
      m.put("mediaType", MediaTypes.OCI_MANIFEST);
      m.put("digest", model.digest().toString());
      m.put("size", size);
      manifests.add(m);
    }
    byte[] bytes =
        StrictJson.mapper()
            .writeValueAsBytes(
                Map.of(
                    "schemaVersion", 2, "mediaType", MediaTypes.OCI_INDEX, "manifests", manifests));
    client.pushManifest(model, tag, bytes, MediaTypes.OCI_INDEX, deadline);
  }

  @Test
  void tagResolvesToTheDigestOfTheManifestPushedUnderIt() {
    OciManifest m = resolve(registry.host + "/models/llm:v1");

    assertThat(m.digest()).isEqualTo(model.digest());
    assertThat(m.artifactType()).isEqualTo(MediaTypes.MODELPACK_MANIFEST);
    assertThat(m.layers()).hasSize(5);
  }

  @Test
  void digestReferenceResolvesToThatManifest() {
    assertThat(resolve(registry.host + "/models/llm@" + model.digest()).digest())
        .isEqualTo(model.digest());
  }

  @Test
  void indexResolvesToTheEntryTypedAsAModel() throws Exception {
    index(
        "multi",
        List.of(
            Map.of("artifactType", "application/vnd.example.other"),
            Map.of("artifactType", MediaTypes.MODELPACK_MANIFEST)));

    assertThat(resolve(registry.host + "/models/llm:multi").digest()).isEqualTo(model.digest());
  }

  @Test
  void indexOfOneImageAndItsBuildKitAttestationResolvesToTheImage() throws Exception {
    index(
        "buildx",
        List.of(
            Map.of("platform", Map.of("architecture", "amd64", "os", "linux")),
            Map.of(
                "annotations",
                Map.of(ManifestResolver.DOCKER_REFERENCE_TYPE, "attestation-manifest"))));

    assertThat(resolve(registry.host + "/models/llm:buildx").digest()).isEqualTo(model.digest());
  }

  @Test
  void indexOfTwoPlatformImagesIsRefusedBecauseWhichOneANodePullsIsUnknown() throws Exception {
    index(
        "platforms",
        List.of(
            Map.of("platform", Map.of("architecture", "amd64", "os", "linux")),
            Map.of("platform", Map.of("architecture", "arm64", "os", "linux"))));

    assertThatThrownBy(() -> resolve(registry.host + "/models/llm:platforms"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is an index of 2 manifests and none is a model")
        .hasMessageContaining("reference that manifest by digest");
  }

  @Test
  void tagThatDoesNotExistIsNotFound() {
    assertThatThrownBy(() -> resolve(registry.host + "/models/llm:absent"))
        .isInstanceOf(RegistryException.class)
        .extracting(e -> ((ModelGateException) e).reason())
        .isEqualTo(Reason.NOT_FOUND);
  }
}
