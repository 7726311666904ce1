package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.StatementParser;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.Fixtures;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The OMS spec's test vectors (ossf/model-signing-spec test-vectors/v1.0). */
class SpecVectorsTest {

  @Test
  void validKeyVectorVerifiesTheModelItDescribes() {
    Cli.Result r =
        Cli.run(
            "verify",
            Fixtures.oms("v1.1.0-elliptic-key"),
            "--signature",
            Fixtures.specVector("valid/key.bundle.json"),
            "--public-key",
            Fixtures.signingPublicKey(),
            // This bundle's ignore_paths lacks the model.sig that sits in that directory.
            "--ignore-paths",
            Fixtures.oms("v1.1.0-elliptic-key/model.sig"),
            Fixtures.oms("v1.1.0-elliptic-key/ignore-me"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @Test
  void validCertificateVectorVerifiesTheModelItDescribes() {
    Cli.Result r =
        Cli.run(
            "verify",
            Fixtures.oms("v1.1.0-elliptic-key"),
            "--signature",
            Fixtures.specVector("valid/certificate.bundle.json"),
            "--certificate-chain",
            Fixtures.caCert(),
            "--ignore-paths",
            Fixtures.oms("v1.1.0-elliptic-key/model.sig"),
            Fixtures.oms("v1.1.0-elliptic-key/ignore-me"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "invalid/empty.bundle.json | BUNDLE_MALFORMED: signature bundle is empty",
        "invalid/missing-envelope.bundle.json | BUNDLE_MALFORMED: signature bundle lacks dsseEnvelope",
        "invalid/missing-tlog-entries.bundle.json | BUNDLE_MALFORMED: signature bundle has a keyless certificate but no tlogEntries",
        "invalid/missing-verification-material.bundle.json | BUNDLE_MALFORMED: signature bundle lacks verificationMaterial",
        "invalid-payload/wrong-predicate.bundle.json | SIGNATURE_INVALID: DSSE signature does not verify with the given public key",
      })
  void invalidVectorIsRejectedWithItsReason(String vector, String expected) {
    Cli.Result r =
        Cli.run(
            "verify",
            Fixtures.oms("v1.1.0-elliptic-key"),
            "--signature",
            Fixtures.specVector(vector),
            "--public-key",
            Fixtures.signingPublicKey());

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains(expected);
  }

  @Test
  void wrongPredicateVectorIsAlsoRejectedForItsPredicateType() throws Exception {
    String payload =
        new ObjectMapper()
            .readTree(Fixtures.specVector("invalid-payload/wrong-predicate.bundle.json").toFile())
            .at("/dsseEnvelope/payload")
            .asText();

    assertThatThrownBy(() -> new StatementParser().parse(Base64.getDecoder().decode(payload)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("predicateType 'https://example.com/wrong-predicate/v1.0'")
        .extracting(e -> ((InvalidInputException) e).reason())
        .isEqualTo(Reason.PREDICATE_UNSUPPORTED);
  }
}
