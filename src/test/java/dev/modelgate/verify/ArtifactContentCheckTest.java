package dev.modelgate.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.Digest;
import dev.modelgate.oms.HashAlgorithm;
import dev.modelgate.oms.RelativePath;
import dev.modelgate.oms.Serialization;
import dev.modelgate.testing.KeyBundles;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The artifact-content step: the signed file list against an OCI artifact's raw layer digests (each
 * the sha256 of its file), with no weight downloaded.
 */
class ArtifactContentCheckTest {
  static final List<String> FILES =
      List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer/vocab.txt", "empty");

  @TempDir Path tmp;
  final ArtifactContentCheck check = new ArtifactContentCheck();
  final KeyPair keys = TestKeys.ec("secp256r1");
  Path model;
  VerifiedStatement signed;
  Map<RelativePath, Digest> layers;

  @BeforeEach
  void setUp() throws Exception {
    model = TestModels.sample(tmp, "model");
    signed = Steps.verifiedStatement(keys, KeyBundles.sign(keys, Steps.statement(model)));
    layers = new LinkedHashMap<>();
    for (String f : FILES) {
      layers.put(RelativePath.parse(f), sha256(Files.readAllBytes(model.resolve(f))));
    }
  }

  private static Digest sha256(byte[] bytes) {
    return Digest.of(HashAlgorithm.SHA256, HashAlgorithm.sha256().digest(bytes));
  }

  private ContentResult check(ArtifactContents contents) {
    return check.check(signed, contents, VerifyOptions.DEFAULTS);
  }

  private ContentResult check() {
    return check(new ArtifactContents(layers, List.of(), List.of()));
  }

  @Test
  void layersWithTheSignedDigestsPassWithoutReadingABlob() {
    ContentResult r = check();

    assertThat(r.failures()).isEmpty();
    assertThat(r.filesChecked()).isEqualTo(FILES.size());
    assertThat(r.bytesHashed()).isZero();
  }

  @Test
  void layerWithAnotherDigestIsNamed() {
    layers.put(RelativePath.parse("model.safetensors"), sha256(new byte[] {1, 2, 3}));

    assertThat(check().failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
              assertThat(f.subject()).isEqualTo("model.safetensors");
            });
  }

  @Test
  void extraLayerIsUnsignedAndAMissingOneIsMissing() {
    layers.remove(RelativePath.parse("tokenizer.json"));
    layers.put(RelativePath.parse("run.py"), sha256("import os".getBytes()));

    assertThat(check().failures())
        .extracting(Failure::reason, Failure::subject)
        .containsExactlyInAnyOrder(
            tuple(Reason.FILE_MISSING, "tokenizer.json"), tuple(Reason.UNSIGNED_FILE, "run.py"));
  }

  @Test
  void signatureLayerIsNotAnUnsignedFile() {
    layers.put(ArtifactContentCheck.SIGNATURE_LAYER, sha256("{}".getBytes()));

    assertThat(check().failures()).isEmpty();
  }

  @Test
  void archiveLayerCannotBeCheckedFromTheManifestEvenWhenItsNameIsIgnored() {
    VerifyOptions ignoring =
        new VerifyOptions(List.of(RelativePath.parse("weights.tar")), false, false, true);

    ContentResult r =
        check.check(
            signed,
            new ArtifactContents(layers, List.of(RelativePath.parse("weights.tar")), List.of()),
            ignoring);

    assertThat(r.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.LAYER_NOT_VERIFIABLE);
              assertThat(f.message()).contains("layer 'weights.tar' is an archive");
            });
  }

  @Test
  void shardsSignatureCannotBeComparedWithLayerDigests() {
    signed =
        Steps.verifiedStatement(
            keys,
            KeyBundles.sign(
                keys,
                Steps.statement(model, Serialization.shards(HashAlgorithm.SHA256, 4096, false))));

    assertThat(check().failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.LAYER_NOT_VERIFIABLE);
              assertThat(f.message()).startsWith("the signature hashes files with shards/sha256");
            });
  }

  @Test
  void problemsFoundMappingLayersArePassedOnAndTheirFilesNotCalledMissing() {
    layers.remove(RelativePath.parse("config.json"));
    Failure unsafe = Failure.about(Reason.PATH_UNSAFE, "config.json", "layer 0: path is unsafe");

    List<Failure> failures =
        check(new ArtifactContents(layers, List.of(), List.of(unsafe))).failures();

    assertThat(failures).containsExactly(unsafe);
  }
}
