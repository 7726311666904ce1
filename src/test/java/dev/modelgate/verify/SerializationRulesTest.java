package dev.modelgate.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Reason;
import dev.modelgate.oms.HashProgress;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.oms.SerializationMethod;
import dev.modelgate.policy.crd.DirectoryPolicyStore;
import dev.modelgate.policy.crd.PolicyCompiler;
import dev.modelgate.policy.crd.PolicyDocuments;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.trust.KeyVerifier;
import dev.modelgate.trust.PemReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * shards manifests have no entry for an empty file (the reference's format): verify says so, and a
 * policy can accept files manifests only.
 */
class SerializationRulesTest {
  @TempDir Path tmp;

  private static VerificationResult verify(SignedModel signed, Set<SerializationMethod> accepted) {
    VerifyOptions options =
        new VerifyOptions(List.of(), false, false, true).withSerializations(accepted);
    return new ModelVerifier(new ModelHasher(1))
        .verify(
            new VerificationRequest(signed.model, signed.signature, options, HashProgress.NONE),
            VerificationPolicy.single(
                new KeyVerifier(PemReader.publicKey(signed.publicKey)), options));
  }

  @Test
  void aPolicyThatAcceptsOnlyFilesRefusesAShardsSignature() {
    SignedModel signed = SignedModel.create(tmp, "--shard-size", "4096");

    VerificationResult r = verify(signed, Set.of(SerializationMethod.FILES));

    assertThat(r.verified()).isFalse();
    assertThat(r.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.HASH_ALGORITHM_UNSUPPORTED);
              assertThat(f.message())
                  .isEqualTo(
                      "signature uses the 'shards' serialization, which the policy does not accept (verification.serializations: [files])");
            });
  }

  @Test
  void aShardsSignatureOverAModelWithAnEmptyFileVerifiesWithAWarning() {
    // TestModels.sample holds one empty file, "empty".
    SignedModel signed = SignedModel.create(tmp, "--shard-size", "4096");

    VerificationResult r = verify(signed, Set.of());

    assertThat(r.verified()).as(r.failures().toString()).isTrue();
    assertThat(r.warnings())
        .singleElement()
        .asString()
        .startsWith(
            "1 empty file(s) in the model are not covered: a shards signature has no entry for an empty file");
  }

  @Test
  void aFilesSignatureCoversEmptyFilesAndHasNoWarning() {
    SignedModel signed = SignedModel.create(tmp);

    VerificationResult r = verify(signed, Set.of(SerializationMethod.FILES));

    assertThat(r.verified()).isTrue();
    assertThat(r.warnings()).isEmpty();
  }

  @Test
  void aPolicyNamingAnUnknownSerializationDoesNotCompile() throws Exception {
    SignedModel signed = SignedModel.create(tmp);
    String yaml =
        AdmissionHarness.keyPolicy(
            "p",
            "Enforce",
            "**",
            signed.publicKey,
            "  verification:\n    serializations: [files, zip]\n");

    var compiled =
        DirectoryPolicyStore.compileAll(
            PolicyDocuments.parse(yaml, "test"), PolicyCompiler.withEmbeddedPublicGoodRoot());

    assertThat(compiled)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.ready()).isFalse();
              assertThat(p.errors())
                  .extracting(Object::toString)
                  .contains(
                      "spec.verification.serializations[1]: 'zip' is not an OMS serialization (files, shards)");
            });
  }
}
