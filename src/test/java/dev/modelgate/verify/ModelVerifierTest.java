package dev.modelgate.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.Digest;
import dev.modelgate.oms.HashAlgorithm;
import dev.modelgate.oms.HashProgress;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.oms.RelativePath;
import dev.modelgate.oms.RootDigest;
import dev.modelgate.oms.StatementParser;
import dev.modelgate.testing.KeyBundles;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier only orders the steps: a step that fails ends the chain before anything later reads
 * what it did not vouch for, and an OCI artifact's bundles are each verified before the threshold
 * counts them.
 */
class ModelVerifierTest {
  @TempDir Path tmp;
  final ModelVerifier verifier = new ModelVerifier(new ModelHasher(1));
  final KeyPair release = TestKeys.ec("secp256r1");
  final KeyPair second = TestKeys.ec("secp256r1");
  final AtomicLong read = new AtomicLong();
  Path model;
  byte[] statement;

  @BeforeEach
  void setUp() {
    model = TestModels.sample(tmp, "model");
    statement = Steps.statement(model);
  }

  private VerificationResult verifyLocal(byte[] bundle, VerificationPolicy policy)
      throws Exception {
    Path sig = Files.write(tmp.resolve("model.sig"), bundle);
    HashProgress counting =
        new HashProgress() {
          @Override
          public void advanced(long bytes) {
            read.addAndGet(bytes);
          }
        };
    return verifier.verify(new VerificationRequest(model, sig, policy.options(), counting), policy);
  }

  private VerificationPolicy policy(int threshold, KeyPair... keys) {
    List<Authority> authorities = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      authorities.add(Steps.authority("key-" + i, keys[i]));
    }
    return new VerificationPolicy(authorities, threshold, VerifyOptions.DEFAULTS);
  }

  @Test
  void signedModelVerifiesWithSignerRootDigestAndSignedFiles() throws Exception {
    VerificationResult r = verifyLocal(KeyBundles.sign(release, statement), policy(1, release));

    assertThat(r.failures()).isEmpty();
    assertThat(r.authorities()).containsExactly("key-0");
    assertThat(r.signer()).isPresent();
    assertThat(r.rootDigest())
        .contains(RootDigest.of(new StatementParser().parse(statement).resources()));
    assertThat(r.signedFiles()).hasSize(5).contains("model.safetensors");
    assertThat(r.filesChecked()).isEqualTo(5);
  }

  @Test
  void modelSignedByAnotherKeyIsRefusedBeforeAnyByteIsRead() throws Exception {
    VerificationResult r = verifyLocal(KeyBundles.sign(second, statement), policy(1, release));

    assertThat(r.failures()).extracting(Failure::reason).contains(Reason.KEY_MISMATCH);
    assertThat(r.signer()).isEmpty();
    assertThat(read.get()).isZero();
  }

  @Test
  void malformedStatementUnderAValidSignatureIsRefusedBeforeContent() throws Exception {
    VerificationResult r =
        verifyLocal(KeyBundles.sign(release, "{\"_type\": 1}"), policy(1, release));

    assertThat(r.failures())
        .extracting(Failure::reason)
        .containsExactly(Reason.STATEMENT_MALFORMED);
    assertThat(r.signer()).isPresent();
    assertThat(r.rootDigest()).isEmpty();
    assertThat(read.get()).isZero();
  }

  @Test
  void thresholdIsCheckedBeforeTheContentIsHashed() throws Exception {
    VerificationResult r =
        verifyLocal(KeyBundles.sign(release, statement), policy(2, release, second));

    assertThat(r.failures().get(0).reason()).isEqualTo(Reason.THRESHOLD_NOT_MET);
    assertThat(read.get()).isZero();
  }

  @Test
  void tamperedModelReportsEveryDifferenceAndNoSignedFiles() throws Exception {
    TestModels.write(model.resolve("config.json"), "{\"layers\": 9}\n");
    TestModels.write(model.resolve("extra.bin"), "x");

    VerificationResult r = verifyLocal(KeyBundles.sign(release, statement), policy(1, release));

    assertThat(r.failures())
        .extracting(Failure::reason)
        .containsExactlyInAnyOrder(Reason.DIGEST_MISMATCH, Reason.UNSIGNED_FILE);
    assertThat(r.signedFiles()).isEmpty();
  }

  private ArtifactContents layers() throws Exception {
    Map<RelativePath, Digest> raw = new LinkedHashMap<>();
    for (String f : ArtifactContentCheckTest.FILES) {
      raw.put(
          RelativePath.parse(f),
          Digest.of(
              HashAlgorithm.SHA256,
              HashAlgorithm.sha256().digest(Files.readAllBytes(model.resolve(f)))));
    }
    return new ArtifactContents(raw, List.of(), List.of());
  }

  @Test
  void artifactWithBundlesOfTwoDistinctAuthoritiesMeetsAThresholdOfTwo() throws Exception {
    VerificationResult r =
        verifier.verifyArtifact(
            "oci://r/m",
            List.of(KeyBundles.sign(release, statement), KeyBundles.sign(second, statement)),
            layers(),
            policy(2, release, second));

    assertThat(r.failures()).isEmpty();
    assertThat(r.authorities()).containsExactly("key-0", "key-1");
  }

  @Test
  void artifactBundleOverOtherContentDoesNotCountTowardsTheThreshold() throws Exception {
    TestModels.write(tmp.resolve("other/weights.bin"), "other model");
    byte[] otherStatement = Steps.statement(tmp.resolve("other"));

    VerificationResult r =
        verifier.verifyArtifact(
            "oci://r/m",
            List.of(KeyBundles.sign(release, statement), KeyBundles.sign(second, otherStatement)),
            layers(),
            policy(2, release, second));

    assertThat(r.failures().get(0).reason()).isEqualTo(Reason.THRESHOLD_NOT_MET);
    assertThat(r.failures().get(0).message())
        .isEqualTo("1 of 2 required authorities signed (key-0)");
    assertThat(r.failures()).extracting(Failure::reason).contains(Reason.FILE_MISSING);
  }

  @Test
  void artifactBundleThatIsNotJsonIsNamedAmongTheFailures() throws Exception {
    VerificationResult r =
        verifier.verifyArtifact(
            "oci://r/m",
            List.of("nope".getBytes(StandardCharsets.UTF_8)),
            layers(),
            policy(1, release));

    assertThat(r.failures()).extracting(Failure::reason).containsExactly(Reason.BUNDLE_MALFORMED);
  }
}
