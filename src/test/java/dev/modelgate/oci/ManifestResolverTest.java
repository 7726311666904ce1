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
import java.util.Optional;
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
                "platform",
                Map.of("architecture", "unknown", "os", "unknown"),
                "annotations",
                Map.of("vnd.docker.reference.type", "attestation-manifest"))));

    assertThat(resolve(registry.host + "/models/llm:buildx").digest()).isEqualTo(model.digest());
  }

  private static Descriptor entry(String hex) {
    return new Descriptor(
        MediaTypes.OCI_MANIFEST, OciDigest.parse("sha256:" + hex.repeat(64)), 100, "", Map.of());
  }

  private static Descriptor choose(List<Descriptor> entries, List<Optional<Platform>> platforms) {
    return ManifestResolver.chooseFromIndex(
        entries,
        platforms,
        List.of(Platform.LINUX_AMD64),
        OciReference.parse("registry.example/models/llm:v1"));
  }

  @Test
  void indexOfTwoPlatformImagesIsRefusedBecauseTheOtherPlatformsNodesWouldRunAnUnverifiedOne() {
    assertThatThrownBy(
            () ->
                choose(
                    List.of(entry("a"), entry("b")),
                    List.of(
                        Optional.of(Platform.parse("linux/amd64")),
                        Optional.of(Platform.parse("linux/arm64")))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("that a node of linux/arm64 would pull unverified")
        .hasMessageContaining("reference the manifest to run by digest");
  }

  @Test
  void twoManifestsForTheNodesPlatformAreRefusedWhateverTheirAnnotationsSay() {
    // The first linux/amd64 entry, annotated as a BuildKit attestation, is what containerd runs
    // (images.Manifest sorts matching entries stably and takes the first; annotations play no
    // part: containerd commit 2806fc1057397dbaeefbea0e4e17bddfbd388f38, images/image.go).
    Descriptor tampered =
        new Descriptor(
            MediaTypes.OCI_MANIFEST,
            OciDigest.parse("sha256:" + "e".repeat(64)),
            100,
            "",
            Map.of("vnd.docker.reference.type", "attestation-manifest"));

    assertThatThrownBy(
            () ->
                choose(
                    List.of(tampered, entry("a")),
                    List.of(
                        Optional.of(Platform.parse("linux/amd64")),
                        Optional.of(Platform.parse("linux/amd64")))))
        .isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((ModelGateException) e).reason())
        .isEqualTo(Reason.REGISTRY_CONTENT_INVALID);
  }

  @Test
  void nodeTakesTheBestRankedEntryAndAnAliasOfItsPlatformIsTheSamePlatform() {
    assertThat(
            choose(
                List.of(entry("a"), entry("b"), entry("a")),
                List.of(
                    Optional.of(Platform.parse("unknown/unknown")),
                    Optional.of(Platform.parse("linux/x86_64")),
                    Optional.of(Platform.parse("unknown/unknown")))))
        .isEqualTo(entry("b"));
    assertThat(
            choose(
                List.of(entry("b"), entry("b")),
                List.of(
                    Optional.of(Platform.parse("linux/amd64")),
                    Optional.of(Platform.parse("linux/amd64/v1")))))
        .isEqualTo(entry("b"));
  }

  @Test
  void entryWithoutAPlatformIsRefusedWhenItIsTheNodesChoiceOrAnotherNodesChoice() {
    assertThatThrownBy(() -> choose(List.of(entry("a")), List.of(Optional.empty())))
        .hasMessageContaining("names no platform, so containerd decides from its config");
    assertThatThrownBy(
            () ->
                choose(
                    List.of(entry("a"), entry("b")),
                    List.of(Optional.of(Platform.parse("linux/amd64")), Optional.empty())))
        .hasMessageContaining("that a node of any platform would pull unverified");
  }

  @Test
  void indexWithNothingForTheNodesPlatformIsRefused() {
    assertThatThrownBy(
            () -> choose(List.of(entry("a")), List.of(Optional.of(Platform.parse("linux/arm64")))))
        .hasMessageContaining("is an index with no manifest for linux/amd64");
  }

  @Test
  void containerdsPlatformVectorRanksWhatANodeRuns() {
    Platform amd64 = Platform.LINUX_AMD64;
    assertThat(amd64.rank(Platform.parse("linux/amd64"))).isZero();
    assertThat(amd64.rank(Platform.parse("Linux/X86_64"))).isZero();
    assertThat(amd64.rank(Platform.parse("linux/386"))).isEqualTo(1);
    assertThat(amd64.rank(Platform.parse("linux/amd64/v2"))).isEqualTo(-1);
    assertThat(amd64.rank(Platform.parse("unknown/unknown"))).isEqualTo(-1);
    Platform arm64 = Platform.parse("linux/arm64");
    assertThat(arm64.rank(Platform.parse("linux/aarch64/v8"))).isZero();
    assertThat(arm64.rank(Platform.parse("linux/arm/v8"))).isEqualTo(1);
    assertThat(arm64.rank(Platform.parse("linux/arm"))).isEqualTo(2);
    assertThat(Platform.parse("linux/amd64/v3").rank(Platform.parse("linux/amd64"))).isEqualTo(2);
  }

  @Test
  void tagThatDoesNotExistIsNotFound() {
    assertThatThrownBy(() -> resolve(registry.host + "/models/llm:absent"))
        .isInstanceOf(RegistryException.class)
        .extracting(e -> ((ModelGateException) e).reason())
        .isEqualTo(Reason.NOT_FOUND);
  }
}
