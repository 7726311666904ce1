package dev.modelgate.verify;

import static dev.modelgate.verify.Steps.onlyFailure;
import static dev.modelgate.verify.Steps.passed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.DsseEnvelope;
import dev.modelgate.oms.InTotoStatement;
import dev.modelgate.oms.Pae;
import dev.modelgate.testing.KeyBundles;
import dev.modelgate.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The attestation statement step: the payload is an in-toto Statement v1 with a predicate, signed
 * with the standard DSSE encoding, parsed once, and about the model.
 */
class AttestationStatementCheckTest {
  static final String EVAL = "https://example.com/evaluation/v1";
  static final String MODEL = "sha256:" + "1f".repeat(32);

  final AttestationStatementCheck check = new AttestationStatementCheck();
  final KeyPair keys = TestKeys.ec("secp256r1");

  static String statement(String type, String subjectHex, String predicate) {
    return "{\"_type\": \""
        + type
        + "\", \"subject\": [{\"name\": \"m\", \"digest\": {\"sha256\": \""
        + subjectHex
        + "\"}}], \"predicateType\": \""
        + EVAL
        + "\""
        + (predicate == null ? "" : ", \"predicate\": " + predicate)
        + "}";
  }

  static String statement(String predicate) {
    return statement("https://in-toto.io/Statement/v1", "1f".repeat(32), predicate);
  }

  private VerifiedSigners signed(String payload) {
    return Steps.signers(keys, KeyBundles.sign(keys, payload));
  }

  @Test
  void statementIsParsedOnceWithItsPredicateTypeSubjectsAndPredicate() {
    InTotoStatement s =
        passed(check.check(signed(statement("{\"metrics\": {\"accuracy\": 0.93}}"))));

    assertThat(s.predicateType()).isEqualTo(EVAL);
    assertThat(s.subjectDigests()).containsExactly(MODEL);
    assertThat(s.predicate().at("/metrics/accuracy").doubleValue()).isEqualTo(0.93);
    assertThat(check.about(s, Set.of(MODEL))).isEmpty();
  }

  @Test
  void payloadThatIsNotJsonIsMalformed() {
    Failure f = onlyFailure(check.check(signed("{\"_type\": ")), Reason.STATEMENT_MALFORMED);

    assertThat(f.message()).startsWith("attestation statement is not valid JSON");
  }

  @Test
  void statementOfAnotherTypeIsMalformed() {
    Failure f =
        onlyFailure(
            check.check(
                signed(statement("https://in-toto.io/Statement/v0.1", "1f".repeat(32), "{}"))),
            Reason.STATEMENT_MALFORMED);

    assertThat(f.message()).contains("is not an in-toto Statement v1");
  }

  @Test
  void statementWithoutAPredicateObjectIsMalformed() {
    Failure f = onlyFailure(check.check(signed(statement(null))), Reason.STATEMENT_MALFORMED);

    assertThat(f.message()).isEqualTo("attestation statement lacks predicate");
  }

  @Test
  void legacyEncodingIsRefusedForAttestations() {
    byte[] payload = statement("{}").getBytes(StandardCharsets.UTF_8);
    byte[] legacy =
        KeyBundles.sign(
            keys, payload, Pae.encodeLegacyV02(DsseEnvelope.IN_TOTO_PAYLOAD_TYPE, payload));

    Failure f = onlyFailure(check.check(Steps.signers(keys, legacy)), Reason.SIGNATURE_INVALID);

    assertThat(f.message()).contains("v0.2 encoding");
  }

  @Test
  void statementAboutAnotherSubjectIsRefusedNamingBoth() {
    InTotoStatement s =
        passed(
            check.check(
                signed(statement("https://in-toto.io/Statement/v1", "ee".repeat(32), "{}"))));

    List<Failure> failures = check.about(s, Set.of(MODEL));

    assertThat(failures)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.SUBJECT_DIGEST_MISMATCH);
              assertThat(f.message())
                  .isEqualTo(
                      "attestation is about another subject (expected digest "
                          + MODEL
                          + ", found sha256:"
                          + "ee".repeat(32)
                          + ")");
            });
  }
}
