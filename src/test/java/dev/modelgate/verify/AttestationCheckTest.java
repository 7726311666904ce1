package dev.modelgate.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.testing.KeyBundles;
import dev.modelgate.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Attestations through the same steps as a model's signature: bundle, envelope, the policy's
 * authorities, then the statement and its subject. Each attestation gets its own answer.
 */
class AttestationCheckTest {
  static final String MODEL_HEX = "1f".repeat(32);
  static final Set<String> SUBJECTS = Set.of("sha256:" + MODEL_HEX);

  final AttestationCheck check = new AttestationCheck();
  final KeyPair ci = TestKeys.ec("secp256r1");
  final KeyPair release = TestKeys.ec("secp256r1");
  final List<Authority> authorities =
      List.of(Steps.authority("release-key", release), Steps.authority("ci", ci));

  private static AttestationSource source(String name, KeyPair signer, String statement) {
    return AttestationSource.of(name, KeyBundles.sign(signer, statement));
  }

  private static String evaluation(String type, String subjectHex) {
    return AttestationStatementCheckTest.statement(
            "https://in-toto.io/Statement/v1", subjectHex, "{\"metrics\": {\"accuracy\": 0.93}}")
        .replace(AttestationStatementCheckTest.EVAL, type);
  }

  private VerifiedAttestation one(AttestationSource s) {
    List<VerifiedAttestation> out = check.check(List.of(s), SUBJECTS, authorities);
    assertThat(out).hasSize(1);
    return out.get(0);
  }

  @Test
  void attestationSignedByAnAuthorityAboutTheModelVerifiesWithWhoSignedIt() {
    VerifiedAttestation a =
        one(source("eval.json", ci, evaluation(AttestationStatementCheckTest.EVAL, MODEL_HEX)));

    assertThat(a.verified()).isTrue();
    assertThat(a.source()).isEqualTo("eval.json");
    assertThat(a.authorities()).containsExactly("ci");
    assertThat(a.predicateType()).contains(AttestationStatementCheckTest.EVAL);
    assertThat(a.statement().orElseThrow().json().at("/predicate/metrics/accuracy").asDouble())
        .isEqualTo(0.93);
  }

  @Test
  void attestationSignedByNoAuthorityIsRefusedAndNothingInItIsRead() {
    VerifiedAttestation a =
        one(
            source(
                "eval.json",
                TestKeys.ec("secp256r1"),
                evaluation(AttestationStatementCheckTest.EVAL, MODEL_HEX)));

    assertThat(a.verified()).isFalse();
    assertThat(a.statement()).isEmpty();
    assertThat(a.predicateType()).isEmpty();
    assertThat(a.problems()).extracting(Failure::reason).contains(Reason.KEY_MISMATCH);
  }

  @Test
  void attestationAboutAnotherSubjectKeepsItsSignedTypeForTheDenial() {
    VerifiedAttestation a =
        one(
            source(
                "eval.json", ci, evaluation(AttestationStatementCheckTest.EVAL, "ee".repeat(32))));

    assertThat(a.verified()).isFalse();
    assertThat(a.predicateType()).contains(AttestationStatementCheckTest.EVAL);
    assertThat(a.authorities()).containsExactly("ci");
    assertThat(a.problems())
        .extracting(Failure::reason)
        .containsExactly(Reason.SUBJECT_DIGEST_MISMATCH);
  }

  @Test
  void predicateTypeIsTheSignedOneWhateverTheSourceClaims() {
    VerifiedAttestation a =
        one(
            source(
                "claims-eval.json", ci, evaluation("https://slsa.dev/provenance/v1", MODEL_HEX)));

    assertThat(a.verified()).isTrue();
    assertThat(a.predicateType()).contains("https://slsa.dev/provenance/v1");
  }

  @Test
  void bytesThatAreNotABundleAreRefusedByName() {
    VerifiedAttestation a =
        one(AttestationSource.of("junk.json", "not a bundle".getBytes(StandardCharsets.UTF_8)));

    assertThat(a.source()).isEqualTo("junk.json");
    assertThat(a.problems()).extracting(Failure::reason).containsExactly(Reason.BUNDLE_MALFORMED);
  }

  @Test
  void eachAttestationGetsItsOwnAnswerInOrder() {
    List<VerifiedAttestation> out =
        check.check(
            List.of(
                AttestationSource.of("a.json", new byte[0]),
                source("b.json", ci, evaluation(AttestationStatementCheckTest.EVAL, MODEL_HEX))),
            SUBJECTS,
            authorities);

    assertThat(out).extracting(VerifiedAttestation::source).containsExactly("a.json", "b.json");
    assertThat(out).extracting(VerifiedAttestation::verified).containsExactly(false, true);
  }

  @Test
  void atMostTheLimitOfAttestationsIsRead() {
    List<AttestationSource> many = new ArrayList<>();
    for (int i = 0; i < AttestationCheck.MAX_ATTESTATIONS + 5; i++) {
      many.add(AttestationSource.of(i + ".json", new byte[0]));
    }

    assertThat(check.check(many, SUBJECTS, authorities)).hasSize(AttestationCheck.MAX_ATTESTATIONS);
  }
}
