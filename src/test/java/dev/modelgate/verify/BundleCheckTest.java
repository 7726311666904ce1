package dev.modelgate.verify;

import static dev.modelgate.verify.Steps.onlyFailure;
import static dev.modelgate.verify.Steps.passed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Limits;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.DsseEnvelope;
import dev.modelgate.oms.SigstoreBundle;
import dev.modelgate.testing.KeyBundles;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundle step: a Sigstore bundle v0.3 is read within its size limit and parsed. */
class BundleCheckTest {
  @TempDir Path tmp;
  final BundleCheck check = new BundleCheck();
  final KeyPair keys = TestKeys.ec("secp256r1");

  @Test
  void bundleOfTheKeyMethodIsParsedWithItsPayloadUntouched() throws Exception {
    byte[] statement = Steps.statement(TestModels.sample(tmp, "model"));
    Path file = Files.write(tmp.resolve("model.sig"), KeyBundles.sign(keys, statement));

    SigstoreBundle bundle = passed(check.read(file));

    assertThat(bundle.envelope().payloadType()).isEqualTo(DsseEnvelope.IN_TOTO_PAYLOAD_TYPE);
    assertThat(bundle.envelope().payload().toArray()).isEqualTo(statement);
    assertThat(bundle.envelope().signatures()).hasSize(1);
  }

  @Test
  void missingSignatureFileIsNotFound() {
    var f = onlyFailure(check.read(tmp.resolve("absent.sig")), Reason.NOT_FOUND);

    assertThat(f.message()).contains("absent.sig").contains("does not exist");
  }

  @Test
  void bytesThatAreNotJsonAreAMalformedBundleWithoutEchoingThem() {
    var f =
        onlyFailure(
            check.parse("secret: not json".getBytes(StandardCharsets.UTF_8)),
            Reason.BUNDLE_MALFORMED);

    assertThat(f.message()).contains("is not valid JSON").doesNotContain("secret");
  }

  @Test
  void bundleWithoutAnEnvelopeIsMalformed() {
    byte[] json =
        ("{\"mediaType\": \"application/vnd.dev.sigstore.bundle.v0.3+json\","
                + " \"verificationMaterial\": {\"publicKey\": {\"hint\": \"x\"}}}")
            .getBytes(StandardCharsets.UTF_8);

    var f = onlyFailure(check.parse(json), Reason.BUNDLE_MALFORMED);

    assertThat(f.message()).contains("dsseEnvelope");
  }

  @Test
  void bundleOverTheSizeLimitIsRefusedWithoutParsing() {
    byte[] huge = new byte[(int) Limits.MAX_BUNDLE_BYTES + 1];

    var f = onlyFailure(check.parse(huge), Reason.LIMIT_EXCEEDED);

    assertThat(f.message()).contains("more than the limit");
  }
}
