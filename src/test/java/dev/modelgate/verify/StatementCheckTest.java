package dev.modelgate.verify;

import static dev.modelgate.verify.Steps.onlyFailure;
import static dev.modelgate.verify.Steps.passed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.DsseEnvelope;
import dev.modelgate.oms.HashAlgorithm;
import dev.modelgate.oms.OmsStatement;
import dev.modelgate.oms.Pae;
import dev.modelgate.oms.PredicateKind;
import dev.modelgate.oms.Serialization;
import dev.modelgate.oms.SerializationMethod;
import dev.modelgate.testing.KeyBundles;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import dev.modelgate.trust.PaeForm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The statement step: the signed payload is parsed once into an OMS statement, in the encoding and
 * serialization the policy accepts.
 */
class StatementCheckTest {
  @TempDir Path tmp;
  final StatementCheck check = new StatementCheck();
  final KeyPair keys = TestKeys.ec("secp256r1");
  Path model;

  @BeforeEach
  void setUp() {
    model = TestModels.sample(tmp, "model");
  }

  private VerifiedSigners signed(String payload) {
    return Steps.signers(keys, KeyBundles.sign(keys, payload));
  }

  @Test
  void signedStatementIsParsedWithItsResourcesInPayloadOrder() {
    OmsStatement s = passed(check.check(Steps.signers(keys, model), VerifyOptions.DEFAULTS));

    assertThat(s.kind()).isEqualTo(PredicateKind.SIGNATURE_V1);
    assertThat(s.subjectName()).isEqualTo("model");
    assertThat(s.resources())
        .extracting(r -> r.key().path().value())
        .containsExactlyInAnyOrder(
            "config.json", "model.safetensors", "tokenizer.json", "tokenizer/vocab.txt", "empty");
  }

  @Test
  void payloadThatIsNotJsonIsAMalformedStatement() {
    Failure f =
        onlyFailure(
            check.check(signed("{\"_type\": "), VerifyOptions.DEFAULTS),
            Reason.STATEMENT_MALFORMED);

    assertThat(f.message()).startsWith("statement is not valid JSON");
  }

  @Test
  void statementOfAnotherPredicateTypeIsUnsupported() {
    String payload =
        new String(Steps.statement(model), StandardCharsets.UTF_8)
            .replace(PredicateKind.SIGNATURE_V1.uri(), "https://example.com/other/v1");

    Failure f =
        onlyFailure(
            check.check(signed(payload), VerifyOptions.DEFAULTS), Reason.PREDICATE_UNSUPPORTED);

    assertThat(f.message()).contains("https://example.com/other/v1");
  }

  @Test
  void statementWithTwoSubjectsIsMalformed() {
    String payload =
        new String(Steps.statement(model), StandardCharsets.UTF_8)
            .replaceFirst(
                "\"subject\": \\[\n    \\{",
                "\"subject\": [\n    {\"name\": \"x\", \"digest\": {\"sha256\": \"00\"}},\n    {");

    Failure f =
        onlyFailure(
            check.check(signed(payload), VerifyOptions.DEFAULTS), Reason.STATEMENT_MALFORMED);

    assertThat(f.message()).contains("2 subjects");
  }

  @Test
  void legacyEncodingCannotCarryAModernManifest() {
    byte[] statement = Steps.statement(model);
    byte[] legacy =
        KeyBundles.sign(
            keys, statement, Pae.encodeLegacyV02(DsseEnvelope.IN_TOTO_PAYLOAD_TYPE, statement));
    VerifiedSigners signers = Steps.signers(keys, legacy);
    assertThat(signers.paeForm()).isEqualTo(PaeForm.LEGACY_V02);

    Failure f = onlyFailure(check.check(signers, VerifyOptions.DEFAULTS), Reason.SIGNATURE_INVALID);

    assertThat(f.message())
        .contains("v0.2 encoding")
        .contains(PredicateKind.LEGACY_DIGESTS_V01.uri());
  }

  @Test
  void serializationThePolicyDoesNotAcceptIsRefused() {
    byte[] shards = Steps.statement(model, Serialization.shards(HashAlgorithm.SHA256, 4096, false));
    VerifyOptions filesOnly =
        VerifyOptions.DEFAULTS.withSerializations(Set.of(SerializationMethod.FILES));

    Failure f =
        onlyFailure(
            check.check(Steps.signers(keys, KeyBundles.sign(keys, shards)), filesOnly),
            Reason.HASH_ALGORITHM_UNSUPPORTED);

    assertThat(f.message())
        .isEqualTo(
            "signature uses the 'shards' serialization, which the policy does not accept (verification.serializations: [files])");
  }

  @Test
  void everySerializationIsAcceptedByDefault() {
    byte[] shards = Steps.statement(model, Serialization.shards(HashAlgorithm.SHA256, 4096, false));

    OmsStatement s =
        passed(
            check.check(
                Steps.signers(keys, KeyBundles.sign(keys, shards)), VerifyOptions.DEFAULTS));

    assertThat(s.serialization().method()).isEqualTo(SerializationMethod.SHARDS);
    assertThat(s.serialization().shardSize()).isEqualTo(4096L);
  }
}
