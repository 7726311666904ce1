package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.core.Reason;
import dev.modelgate.core.StrictJson;
import dev.modelgate.oms.Digest;
import dev.modelgate.oms.HashAlgorithm;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.oms.RelativePath;
import dev.modelgate.oms.Resource;
import dev.modelgate.oms.ResourceKey;
import dev.modelgate.oms.Serialization;
import dev.modelgate.oms.StatementWriter;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.ContainerImage;
import dev.modelgate.testing.ImageLayer;
import dev.modelgate.testing.KeyBundles;
import dev.modelgate.testing.ManifestStatements;
import dev.modelgate.testing.ModelSigningAttachments;
import dev.modelgate.testing.ReferrersProxy;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestRegistry;
import dev.modelgate.trust.KeyVerifier;
import dev.modelgate.verify.ModelVerifier;
import dev.modelgate.verify.OciModelVerifier;
import dev.modelgate.verify.VerificationPolicy;
import dev.modelgate.verify.VerificationResult;
import dev.modelgate.verify.VerifyOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
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
 * Models signed in a registry by tools other than ModelGate, in the shapes their source writes:
 * rh-model-signing's referrers mode (through {@link ReferrersProxy}, the referrers API in front of
 * the real docker-registry, which has none) and tag mode ({@code sha256-<hex>.sig}, on the real
 * docker-registry), with statements built from the OCI manifest as rh-model-signing and the
 * model_signing Go port build them ({@link ManifestStatements}). Each verifies from the manifest
 * with no layer fetched (the proxy counts blob GETs: only the bundle's), and fails when a layer,
 * the config, the subject or the layer count differs from what was signed.
 */
class OtherProducersTest {
  static final String ORAS_ARTIFACT = "application/vnd.example.model.v1";

  @TempDir Path tmp;
  TestRegistry registry;
  ReferrersProxy proxy;
  RegistryClient client = new RegistryClient(RegistryCredentials.NONE, Set.of());
  final KeyPair keys = TestKeys.ec("secp256r1");
  Path publicKey;

  @BeforeEach
  void setUp() throws Exception {
    registry = TestRegistry.startOrSkip(Files.createDirectories(tmp.resolve("registry")));
    proxy = new ReferrersProxy(registry.host);
    publicKey = TestKeys.writePem(tmp.resolve("signer.pub"), keys.getPublic());
  }

  @AfterEach
  void tearDown() {
    if (proxy != null) {
      proxy.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  /** An artifact in the registry: its reference (pinned), manifest bytes and digest. */
  record Pushed(OciReference ref, byte[] manifest, OciDigest digest) {}

  static Map<String, byte[]> files() {
    Map<String, byte[]> f = new LinkedHashMap<>();
    f.put("model.safetensors", "weights that no verification downloads".getBytes());
    f.put("tokenizer.json", "{\"vocab\": {}}".getBytes());
    f.put("config.json", "{\"layers\": 2}".getBytes());
    return f;
  }

  /**
   * Raw layers, one per file: titled as {@code oras push} titles them ({@code
   * org.opencontainers.image.title}, the empty config), or as ModelPack names them ({@code
   * org.cncf.model.filepath}, no title, a ModelPack config).
   */
  Pushed push(String tag, Map<String, byte[]> files, boolean oras, byte[] config) throws Exception {
    OciReference repo = OciReference.parse(registry.host + "/models/llm:" + tag);
    List<Object> layers = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      OciDigest d = client.pushBlob(repo, e.getValue(), deadline());
      Map<String, Object> l = new LinkedHashMap<>();
      l.put(
          "mediaType",
          oras ? "application/octet-stream" : "application/vnd.cncf.model.weight.v1.raw");
      l.put("digest", d.toString());
      l.put("size", e.getValue().length);
      l.put(
          "annotations",
          Map.of(oras ? "org.opencontainers.image.title" : "org.cncf.model.filepath", e.getKey()));
      layers.add(l);
    }
    OciDigest configDigest = client.pushBlob(repo, config, deadline());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.OCI_MANIFEST);
    m.put("artifactType", oras ? ORAS_ARTIFACT : MediaTypes.MODELPACK_MANIFEST);
    m.put(
        "config",
        Map.of(
            "mediaType",
            oras ? MediaTypes.OCI_EMPTY : MediaTypes.MODELPACK_CONFIG,
            "digest",
            configDigest.toString(),
            "size",
            config.length));
    m.put("layers", layers);
    byte[] bytes = StrictJson.mapper().writeValueAsBytes(m);
    OciDigest d = client.pushManifest(repo, tag, bytes, MediaTypes.OCI_MANIFEST, deadline());
    return new Pushed(repo.withDigest(d), bytes, d);
  }

  Pushed oras(String tag, Map<String, byte[]> files) throws Exception {
    return push(tag, files, true, "{}".getBytes());
  }

  Pushed modelPack(String tag, Map<String, byte[]> files, String name) throws Exception {
    return push(
        tag,
        files,
        false,
        ("{\"descriptor\":{\"name\":\"" + name + "\"},\"config\":{},\"modelfs\":{}}").getBytes());
  }

  /** rh-model-signing's statement of {@code signed}, signed with the test key. */
  byte[] rhSignature(Pushed signed) {
    return KeyBundles.sign(
        keys, ManifestStatements.rhModelSigning(signed.manifest(), signed.ref().toString()));
  }

  /** Attaches {@code bundle} to {@code to} in rh-model-signing's referrers mode. */
  OciDigest attachReferrer(Pushed to, OciDigest subject, byte[] bundle) {
    OciDigest r =
        ModelSigningAttachments.attachReferrer(
            client, to.ref(), subject, to.manifest().length, bundle);
    proxy.list("models/llm", to.digest(), r, 500, MediaTypes.MODEL_SIGNING_SIGNATURE);
    return r;
  }

  Cli.Result verify(String tag, Object... extra) {
    List<Object> args =
        new ArrayList<>(List.of("verify", "oci://" + proxy.host + "/models/llm:" + tag));
    args.addAll(List.of("--public-key", publicKey));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray());
  }

  private static Instant deadline() {
    return Instant.now().plusSeconds(30);
  }

  private void assertDenied(Cli.Result r, String... expected) {
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    for (String e : expected) {
      assertThat(r.err()).contains(e);
    }
  }

  // ---------------------------------------------------------------- verified

  /** Two titled layers and config.json for the (empty) config blob: three entries, all checked. */
  @Test
  void rhModelSigningReferrerOfAnOrasArtifactVerifiesFetchingOnlyTheBundle() throws Exception {
    Map<String, byte[]> files = files();
    files.remove("config.json");
    Pushed model = oras("v1", files);
    byte[] bundle = rhSignature(model);
    attachReferrer(model, model.digest(), bundle);

    Cli.Result r = verify("v1", "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("\"filesChecked\" : 3").contains("\"bytesHashed\" : 0");
    assertThat(proxy.blobsFetched()).containsExactly(OciDigest.sha256(bundle).toString());
  }

  /**
   * rh-model-signing leaves the config out when a layer is titled config.json, so its statement
   * names exactly the titled files: checked as a file list, as ModelGate's own signatures are.
   */
  @Test
  void rhModelSigningStatementOfAnOrasArtifactWithAConfigJsonFileIsAFileList() throws Exception {
    Pushed model = oras("v1", files());
    attachReferrer(model, model.digest(), rhSignature(model));

    Cli.Result r = verify("v1", "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("\"filesChecked\" : 3");
  }

  @Test
  void rhModelSigningTagSignatureOfAModelPackArtifactVerifiesFetchingOnlyTheBundle()
      throws Exception {
    Pushed model = modelPack("v1", files(), "llm");
    byte[] bundle = rhSignature(model);
    ModelSigningAttachments.attachTag(client, model.ref(), model.digest(), bundle);

    Cli.Result r = verify("v1", "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("\"filesChecked\" : 4");
    assertThat(proxy.blobsFetched()).containsExactly(OciDigest.sha256(bundle).toString());
  }

  @Test
  void goPortStatementGivenWithSignatureVerifiesAgainstTheRegistryManifest() throws Exception {
    Pushed model = modelPack("v1", files(), "llm");
    Path sig = tmp.resolve("model.sig");
    Files.write(
        sig, KeyBundles.sign(keys, ManifestStatements.goPort(model.manifest(), "manifest")));

    Cli.Result r = verify("v1", "--signature", sig);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(proxy.blobsFetched()).isEmpty();
  }

  @Test
  void signatureFileWithOciIsCheckedAgainstTheRegistryNotIgnored() throws Exception {
    Pushed signed = modelPack("v1", files(), "llm");
    Map<String, byte[]> changed = files();
    changed.put("model.safetensors", "other weights".getBytes());
    modelPack("v2", changed, "llm");
    Path sig = tmp.resolve("model.sig");
    Files.write(sig, KeyBundles.sign(keys, ManifestStatements.goPort(signed.manifest(), "m")));

    assertDenied(
        verify("v2", "--signature", sig), "DIGEST_MISMATCH: file 'layer_000.tar.gz' has sha256:");
  }

  @Test
  void missingSignatureFileWithOciIsBadInput() throws Exception {
    oras("v1", files());

    Cli.Result r = verify("v1", "--signature", tmp.resolve("nope.sig"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("does not exist");
  }

  /**
   * A KServe modelcar signed by rh-model-signing: an image without olot annotations gets the
   * artifact naming (layer_NNN.tar.gz plus config.json), which covers the whole image, so no layer
   * is downloaded and no allowLayerDownload is needed.
   */
  @Test
  void modelcarSignedFromItsManifestVerifiesWithoutDownloadingALayer() throws Exception {
    ContainerImage.Pushed image =
        ContainerImage.push(
            registry.host + "/models/llm:car",
            ImageLayer.create().dir("bin").file("bin/sh", "#!busybox"),
            ImageLayer.create().dir("models").file("models/model.safetensors", "weights"));
    byte[] manifest = client.manifest(image.ref().withDigest(image.digest()), deadline()).bytes();
    byte[] bundle = KeyBundles.sign(keys, ManifestStatements.rhModelSigning(manifest, "car"));
    ModelSigningAttachments.attachTag(client, image.ref(), image.digest(), bundle);

    Cli.Result r = verify("car");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(proxy.blobsFetched()).containsExactly(OciDigest.sha256(bundle).toString());
  }

  // ---------------------------------------------------------------- tampered

  @Test
  void aLayerSwappedAfterSigningIsDeniedNamingIt() throws Exception {
    Pushed signed = oras("v1", files());
    Map<String, byte[]> swapped = files();
    swapped.put("model.safetensors", "poisoned weights".getBytes());
    Pushed served = oras("v2", swapped);
    attachReferrer(served, served.digest(), rhSignature(signed));

    assertDenied(
        verify("v2"),
        "DIGEST_MISMATCH: file 'model.safetensors' has "
            + "sha256:"
            + OciDigest.sha256("poisoned weights".getBytes()).hex());
  }

  @Test
  void aChangedConfigIsDenied() throws Exception {
    Pushed signed = modelPack("v1", files(), "llm");
    Pushed served = modelPack("v2", files(), "renamed");
    ModelSigningAttachments.attachTag(client, served.ref(), served.digest(), rhSignature(signed));

    assertDenied(verify("v2"), "DIGEST_MISMATCH: file 'config.json' has");
  }

  @Test
  void anExtraLayerIsDenied() throws Exception {
    Pushed signed = modelPack("v1", files(), "llm");
    Map<String, byte[]> more = files();
    more.put("extra.py", "import os".getBytes());
    Pushed served = modelPack("v2", more, "llm");
    ModelSigningAttachments.attachTag(client, served.ref(), served.digest(), rhSignature(signed));

    assertDenied(
        verify("v2"), "UNSIGNED_FILE: file 'layer_003.tar.gz' is not covered by the signature");
  }

  @Test
  void aReferrerWhoseSubjectIsAnotherManifestIsRefused() throws Exception {
    Pushed other = oras("v1", files());
    Pushed served = oras("v2", Map.of("model.safetensors", "weights".getBytes()));
    OciDigest r = attachReferrer(served, other.digest(), rhSignature(other));

    assertDenied(
        verify("v2"),
        "REGISTRY_CONTENT_INVALID: signature referrer "
            + r
            + " is for "
            + other.digest()
            + ", not for "
            + served.digest());
  }

  @Test
  void anotherManifestsSignatureUnderThisManifestsSigTagIsDenied() throws Exception {
    Pushed other = modelPack("v1", files(), "llm");
    Pushed served = modelPack("v2", Map.of("model.safetensors", "weights".getBytes()), "llm");
    ModelSigningAttachments.attachTag(client, served.ref(), served.digest(), rhSignature(other));

    assertDenied(verify("v2"), "DIGEST_MISMATCH", "FILE_MISSING: signed file 'layer_001.tar.gz'");
  }

  @Test
  void aModelcarLayerSwappedAfterSigningIsDeniedWithoutDownloading() throws Exception {
    ContainerImage.Pushed signed =
        ContainerImage.push(
            registry.host + "/models/llm:car",
            ImageLayer.create().dir("models").file("models/model.safetensors", "weights"));
    ContainerImage.Pushed served =
        ContainerImage.push(
            registry.host + "/models/llm:car2",
            ImageLayer.create().dir("models").file("models/model.safetensors", "poisoned"));
    byte[] manifest = client.manifest(signed.ref().withDigest(signed.digest()), deadline()).bytes();
    ModelSigningAttachments.attachTag(
        client,
        served.ref(),
        served.digest(),
        KeyBundles.sign(keys, ManifestStatements.rhModelSigning(manifest, "car")));

    Cli.Result r = verify("car2");

    assertDenied(r, "DIGEST_MISMATCH: file 'layer_000.tar.gz' has");
    assertThat(proxy.blobsFetched()).hasSize(1);
  }

  /**
   * An olot-built modelcar as rh-model-signing signs it (its {@code _oci/manifest_parser.py} {@code
   * _process_modelcar_layer}, 72c50021): each file layer annotated with {@code
   * olot.layer.content.type: file}, {@code …inlayerpath} and {@code …digest}, and the statement
   * listing the files under /models with the annotated digests. Pushed with the layer holding
   * {@code content}, annotated as holding {@code claimed}.
   */
  private OciReference olotModelcar(String tag, String content, String claimed) throws Exception {
    ContainerImage.Pushed image =
        ContainerImage.push(
            registry.host + "/models/llm:" + tag + "-plain",
            ImageLayer.create().dir("models").file("models/model.safetensors", content));
    byte[] plain = client.manifest(image.ref().withDigest(image.digest()), deadline()).bytes();
    String claimedDigest = OciDigest.sha256(claimed.getBytes()).toString();
    var json = (com.fasterxml.jackson.databind.node.ObjectNode) StrictJson.mapper().readTree(plain);
    ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("layers").get(0))
        .putObject("annotations")
        .put("olot.layer.content.type", "file")
        .put("olot.layer.content.inlayerpath", "/models/model.safetensors")
        .put("olot.layer.content.digest", claimedDigest)
        .put("olot.layer.content.name", "model.safetensors");
    byte[] annotated = StrictJson.mapper().writeValueAsBytes(json);
    OciReference repo = OciReference.parse(registry.host + "/models/llm:" + tag);
    OciDigest d = client.pushManifest(repo, tag, annotated, MediaTypes.OCI_MANIFEST, deadline());
    byte[] statement =
        StatementWriter.write(
            repo.toString(),
            Serialization.files(HashAlgorithm.SHA256, false),
            List.of(
                new Resource(
                    ResourceKey.file(RelativePath.parse("model.safetensors")),
                    "sha256",
                    Digest.fromHex(HashAlgorithm.SHA256, OciDigest.parse(claimedDigest).hex()))));
    ModelSigningAttachments.attachTag(client, repo, d, KeyBundles.sign(keys, statement));
    return repo.withDigest(d);
  }

  private VerificationResult verifyDirectly(OciReference ref, long budget) {
    var policy =
        VerificationPolicy.single(
            new KeyVerifier(keys.getPublic()),
            new VerifyOptions(List.of(), false, false, true, budget));
    return new OciModelVerifier(client, new ModelVerifier(ModelHasher.allCores()))
        .verify(ref, policy, deadline());
  }

  /** The annotation is not taken as proof: without downloading the layer nothing is admitted. */
  @Test
  void olotModelcarIsNotAdmittedOnItsAnnotationsAlone() throws Exception {
    OciReference ref = olotModelcar("olot", "weights", "weights");

    VerificationResult r = verifyDirectly(ref, 0);

    assertThat(r.verified()).isFalse();
    assertThat(r.failures()).extracting(f -> f.reason()).contains(Reason.LAYER_NOT_VERIFIABLE);
  }

  @Test
  void olotModelcarVerifiesByItsFilesWhenTheLayersMayBeDownloaded() throws Exception {
    OciReference ref = olotModelcar("olot", "weights", "weights");

    VerificationResult r = verifyDirectly(ref, 1 << 20);

    assertThat(r.verified()).as(r.failures().toString()).isTrue();
  }

  @Test
  void olotAnnotationThatLiesAboutTheLayerIsCaughtByHashingTheFile() throws Exception {
    OciReference ref = olotModelcar("olot", "poisoned", "weights");

    VerificationResult r = verifyDirectly(ref, 1 << 20);

    assertThat(r.verified()).isFalse();
    assertThat(r.failures().toString())
        .contains("DIGEST_MISMATCH")
        .contains(OciDigest.sha256("poisoned".getBytes()).hex());
  }

  @Test
  void nothingAttachedAnywhereSaysEveryPlaceLooked() throws Exception {
    Pushed model = oras("v1", files());

    assertDenied(
        verify("v1"),
        "SIGNATURE_NOT_FOUND",
        "no signature at tag " + model.digest().referrersTag() + ".sig");
  }

  /**
   * In a pod a path means nothing for a registry model: the annotation is refused, never ignored,
   * even though the model itself verifies.
   */
  @Test
  void signatureAnnotationOnAnOciModelIsRefusedNotIgnored() throws Exception {
    Pushed model = modelPack("v1", files(), "llm");
    ModelSigningAttachments.attachTag(client, model.ref(), model.digest(), rhSignature(model));
    String ref = proxy.host + "/models/llm:v1";
    AdmissionHarness harness =
        new AdmissionHarness(tmp)
            .policy(
                "p.yaml", AdmissionHarness.keyPolicy("oci", "Enforce", "oci://**", publicKey, ""));
    String pod =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: llm\n  namespace: ml\n  annotations:\n"
            + "    model.modelgate.dev/llm: oci://"
            + ref
            + "\n    signature.modelgate.dev/llm: sigs/model.sig\n"
            + "spec:\n  containers: [{name: s, image: server}]\n";

    AdmissionOutcome denied = harness.review(AdmissionHarness.create(pod));
    AdmissionOutcome admitted =
        harness.review(
            AdmissionHarness.create(
                pod.replace("    signature.modelgate.dev/llm: sigs/model.sig\n", "")));

    assertThat(denied.allowed()).isFalse();
    assertThat(denied.message())
        .contains(
            "MODEL_REFERENCE_INVALID: annotation signature.modelgate.dev/llm names the file 'sigs/model.sig', but model 'llm' is in a registry");
    assertThat(admitted.allowed()).as(admitted.message()).isTrue();
  }
}
