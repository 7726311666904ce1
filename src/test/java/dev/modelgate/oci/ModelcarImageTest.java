package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.core.Failure;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.ContainerImage;
import dev.modelgate.testing.ImageLayer;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestRegistry;
import dev.modelgate.trust.KeyVerifier;
import dev.modelgate.trust.PemReader;
import dev.modelgate.verify.ModelVerifier;
import dev.modelgate.verify.OciModelVerifier;
import dev.modelgate.verify.VerificationPolicy;
import dev.modelgate.verify.VerificationResult;
import dev.modelgate.verify.VerifyOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KServe modelcars: ordinary container images with the model under {@code /models}, built here as
 * real image layers (tar+gzip, no file annotations) and pushed to the real test registry, the model
 * directory signed with the project's own {@code sign} and the bundle attached as {@code push}
 * attaches it. The model directory is KServe's: its modelcar container runs {@code ln -sf
 * /proc/$$/root/models <mount>} and its image-volume mount uses {@code subPath: models}
 * (kserve/kserve commit aaac4e294dae2c7b1aa1886447793f3aa1c30912, pkg/utils/storage.go,
 * modelcarCommand and ConfigureOciNativeToContainer). Layers are applied as image-spec layer.md
 * says (opencontainers/image-spec commit 03306ac1c8eeddda714bd4f98aab05ad62ff829c).
 */
class ModelcarImageTest {
  @TempDir Path tmp;
  TestRegistry registry;
  SignedModel signed;
  String ref;

  @BeforeEach
  void setUp() throws Exception {
    registry = TestRegistry.startOrSkip(Files.createDirectories(tmp.resolve("registry")));
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    ref = registry.host + "/models/llm-modelcar:v1";
  }

  @AfterEach
  void tearDown() {
    if (registry != null) {
      registry.close();
    }
  }

  /** {@code FROM busybox; RUN mkdir /models; COPY model/ /models/} plus any layers after it. */
  private ContainerImage.Pushed modelcar(ImageLayer... after) {
    List<ImageLayer> layers =
        new ArrayList<>(
            List.of(
                ContainerImage.busyboxBase(),
                ImageLayer.create().dir("models"),
                ImageLayer.create().copy(signed.model, "models")));
    layers.addAll(List.of(after));
    ContainerImage.Pushed p = ContainerImage.push(ref, layers.toArray(new ImageLayer[0]));
    p.attachSignature(signed.signature);
    return p;
  }

  private VerificationResult verify(long budget) throws Exception {
    return verify(new VerifyOptions(List.of(), false, false, true, budget));
  }

  private VerificationResult verify(VerifyOptions options) throws Exception {
    var policy =
        VerificationPolicy.single(new KeyVerifier(PemReader.publicKey(signed.publicKey)), options);
    return new OciModelVerifier(
            new RegistryClient(RegistryCredentials.NONE, Set.of()),
            new ModelVerifier(ModelHasher.allCores()))
        .verify(OciReference.parse(ref), policy, Instant.now().plusSeconds(30));
  }

  private static String reasons(VerificationResult r) {
    return r.failures().stream().map(Failure::toString).collect(Collectors.joining("\n"));
  }

  @Test
  void signedModelcarImageVerifiesFromItsModelDirectoryWithTheBaseImageIgnored() throws Exception {
    modelcar();

    VerificationResult r = verify(1 << 20);

    assertThat(r.verified()).as(reasons(r)).isTrue();
    assertThat(r.resolvedDigest()).isPresent();
  }

  @Test
  void modelcarWithoutLayerDownloadIsDeniedSayingHowToAllowIt() throws Exception {
    modelcar();

    VerificationResult r = verify(0);

    assertThat(r.verified()).isFalse();
    assertThat(reasons(r))
        .contains("LAYER_NOT_VERIFIABLE")
        .contains("is a container image (a modelcar) of 3 layers")
        .contains("model directory /models")
        .contains("set verification.allowLayerDownload");
  }

  @Test
  void laterLayerReplacingAModelFileFailsWithTheFileNamed() throws Exception {
    modelcar(ImageLayer.create().dir("models").file("models/config.json", "{\"layers\": 666}\n"));

    VerificationResult r = verify(1 << 20);

    assertThat(r.verified()).isFalse();
    assertThat(reasons(r)).contains("DIGEST_MISMATCH: file 'config.json' has sha256:");
  }

  @Test
  void laterLayerRestoringTheSignedContentVerifies() throws Exception {
    ImageLayer stale =
        ImageLayer.create().dir("models").file("models/config.json", "{\"layers\": 1}\n");
    ImageLayer fix =
        ImageLayer.create()
            .dir("models")
            .file("models/config.json", Files.readAllBytes(signed.model.resolve("config.json")));
    ContainerImage.push(
            ref,
            ContainerImage.busyboxBase(),
            ImageLayer.create().copy(signed.model, "models"),
            stale,
            fix)
        .attachSignature(signed.signature);

    VerificationResult r = verify(1 << 20);

    assertThat(r.verified()).as(reasons(r)).isTrue();
  }

  @Test
  void whiteoutRemovingASignedFileFailsAsMissing() throws Exception {
    modelcar(ImageLayer.create().dir("models").whiteout("models", "config.json"));

    VerificationResult r = verify(1 << 20);

    assertThat(r.verified()).isFalse();
    assertThat(reasons(r)).contains("FILE_MISSING").contains("config.json");
  }

  @Test
  void whiteoutAndOpaqueDirectoryRemoveUnsignedFilesOfLowerLayers() throws Exception {
    ImageLayer withExtras =
        ImageLayer.create()
            .copy(signed.model, "models")
            .file("models/extra.bin", "unsigned")
            .file("models/tokenizer/stale.txt", "unsigned");
    ImageLayer cleanup =
        ImageLayer.create()
            .dir("models")
            .whiteout("models", "extra.bin")
            .dir("models/tokenizer")
            .opaque("models/tokenizer")
            .file(
                "models/tokenizer/vocab.txt",
                Files.readAllBytes(signed.model.resolve("tokenizer/vocab.txt")));
    ContainerImage.push(ref, ContainerImage.busyboxBase(), withExtras, cleanup)
        .attachSignature(signed.signature);

    VerificationResult r = verify(1 << 20);

    assertThat(r.verified()).as(reasons(r)).isTrue();
  }

  @Test
  void unsignedFileAddedByALaterLayerIsNamed() throws Exception {
    modelcar(ImageLayer.create().dir("models").file("models/backdoor.py", "import os\n"));

    VerificationResult r = verify(1 << 20);

    assertThat(reasons(r)).contains("UNSIGNED_FILE").contains("backdoor.py");
  }

  @Test
  void dockerSchema2ModelcarVerifiesToo() throws Exception {
    ContainerImage.pushDocker(
            ref, ContainerImage.busyboxBase(), ImageLayer.create().copy(signed.model, "models"))
        .attachSignature(signed.signature);

    VerificationResult r = verify(1 << 20);

    assertThat(r.verified()).as(reasons(r)).isTrue();
  }

  @Test
  void symlinkedModelDirectoryIsRefused() throws Exception {
    ContainerImage.push(
            ref,
            ContainerImage.busyboxBase(),
            ImageLayer.create().copy(signed.model, "data"),
            ImageLayer.create().symlink("models", "data"))
        .attachSignature(signed.signature);

    VerificationResult r = verify(1 << 20);

    assertThat(reasons(r))
        .contains("SYMLINK_REFUSED: /models in the image is a symbolic link (layer 2) to 'data'");
  }

  @Test
  void entryWrittenThroughASymlinkIntoTheModelIsRefused() throws Exception {
    modelcar(
        ImageLayer.create().symlink("tmp/m", "/models"),
        ImageLayer.create().file("tmp/m/config.json", "{\"evil\": 1}"));

    VerificationResult r = verify(1 << 20);

    assertThat(reasons(r))
        .contains("LAYER_UNSUPPORTED")
        .contains("is below '/tmp/m', a symbolic link to '/models' (layer 3)");
  }

  @Test
  void linksAndDevicesInsideTheModelDirectoryAreRefused() throws Exception {
    modelcar(
        ImageLayer.create()
            .dir("models")
            .symlink("models/tokenizer.json", "/etc/passwd")
            .hardlink("models/weights.bin", "bin/[")
            .characterDevice("models/null"));

    VerificationResult r = verify(1 << 20);

    assertThat(reasons(r))
        .contains(
            "SYMLINK_REFUSED: file 'tokenizer.json' in /models is a symbolic link to '/etc/passwd'")
        .contains("file 'weights.bin' in /models is a hard link to 'bin/['")
        .contains("SPECIAL_FILE_REFUSED: file 'null' in /models is a device");
  }

  @Test
  void whiteoutOfDotDotAndPathsEscapingTheRootAreRefused() throws Exception {
    modelcar(ImageLayer.create().file("models/.wh...", "").file("models/../../etc/shadow", "x"));

    VerificationResult r = verify(1 << 20);

    assertThat(reasons(r))
        .contains("LAYER_UNSUPPORTED: layer 3, entry 1 ('models/.wh...'): is a whiteout of '..'")
        .contains("PATH_UNSAFE: layer 3: entry 'models/../../etc/shadow' has an unsafe path");
  }

  @Test
  void imageWithoutTheModelDirectoryIsNotFound() throws Exception {
    ContainerImage.push(ref, ContainerImage.busyboxBase()).attachSignature(signed.signature);

    VerificationResult r = verify(1 << 20);

    assertThat(reasons(r))
        .contains(
            "NOT_FOUND: the image has no /models directory (verification.imageModelPath) after applying its 1 layers");
  }

  @Test
  void layersOverTheDownloadBudgetAreRefused() throws Exception {
    modelcar();

    VerificationResult r = verify(2_000);

    assertThat(reasons(r))
        .contains("LIMIT_EXCEEDED")
        .contains("verification.maxLayerDownloadBytes");
  }

  @Test
  void policyVerifiesAModelcarPodAtItsImageModelPath() throws Exception {
    ContainerImage.push(
            ref, ContainerImage.busyboxBase(), ImageLayer.create().copy(signed.model, "opt/model"))
        .attachSignature(signed.signature);
    AdmissionHarness h =
        new AdmissionHarness(tmp)
            .policy(
                "p.yaml",
                AdmissionHarness.keyPolicy(
                    "modelcars",
                    "Enforce",
                    "oci://" + registry.host + "/**",
                    signed.publicKey,
                    "  verification:\n    allowLayerDownload: true\n    imageModelPath: /opt/model\n"));
    String pod =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: llm\n  namespace: ml\n  annotations:\n    model.modelgate.dev/llm: oci://"
            + ref
            + "\n"
            + "spec:\n  containers: [{name: s, image: server}]\n";

    AdmissionOutcome ok = h.review(AdmissionHarness.create(pod));
    AdmissionOutcome defaultPath =
        new AdmissionHarness(Files.createDirectories(tmp.resolve("h2")))
            .policy(
                "p.yaml",
                AdmissionHarness.keyPolicy(
                    "modelcars",
                    "Enforce",
                    "oci://" + registry.host + "/**",
                    signed.publicKey,
                    "  verification:\n    allowLayerDownload: true\n"))
            .review(AdmissionHarness.create(pod));

    assertThat(ok.allowed()).as(ok.message()).isTrue();
    assertThat(defaultPath.allowed()).isFalse();
    assertThat(defaultPath.message()).contains("the image has no /models directory");
  }

  @Test
  void signatureCopiedIntoTheImageWithTheModelIsUsedWhenNoReferrerExists() throws Exception {
    // sign, then build: COPY model/ /models/ takes model.sig along.
    ContainerImage.push(
        ref, ContainerImage.busyboxBase(), ImageLayer.create().copy(signed.model, "models"));

    VerificationResult r = verify(1 << 20);

    assertThat(r.verified()).as(reasons(r)).isTrue();
  }

  @Test
  void imageWithNeitherReferrerNorModelSigHasNoSignature() throws Exception {
    ContainerImage.push(
        ref,
        ContainerImage.busyboxBase(),
        ImageLayer.create().copy(signed.model, "models"),
        ImageLayer.create().whiteout("models", "model.sig"));

    VerificationResult r = verify(1 << 20);

    assertThat(reasons(r)).contains("SIGNATURE_NOT_FOUND").contains("and no model.sig in /models");
  }

  @Test
  void buildxIndexWithAProvenanceAttestationResolvesToTheImage() throws Exception {
    ContainerImage.Pushed image = modelcar();
    ContainerImage.pushBuildxIndex(image, "v1");

    VerificationResult r = verify(1 << 20);

    assertThat(r.verified()).as(reasons(r)).isTrue();
    assertThat(r.resolvedDigest()).contains(image.digest().toString());
  }
}
