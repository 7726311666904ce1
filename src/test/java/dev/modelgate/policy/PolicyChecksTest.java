package dev.modelgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.HashProgress;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.testing.KeyBundles;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.trust.KeyVerifier;
import dev.modelgate.trust.PemReader;
import dev.modelgate.verify.Authority;
import dev.modelgate.verify.LocalAttestations;
import dev.modelgate.verify.ModelVerificationService;
import dev.modelgate.verify.ModelVerifier;
import dev.modelgate.verify.VerificationPolicy;
import dev.modelgate.verify.VerificationRequest;
import dev.modelgate.verify.VerificationResult;
import dev.modelgate.verify.VerifyOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attestation rules read the statement the attestation steps parsed: its signed predicate type
 * decides which rule it is for, and a condition sees its predicate.
 */
class PolicyChecksTest {
  static final String EVAL = "https://example.com/evaluation/v1";

  @TempDir Path tmp;
  final ModelVerifier verifier = new ModelVerifier(new ModelHasher(1));
  final KeyPair ci = TestKeys.ec("secp256r1");
  SignedModel signed;
  VerificationPolicy policy;

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    policy =
        new VerificationPolicy(
            List.of(
                new Authority(
                    "release-key", new KeyVerifier(PemReader.publicKey(signed.publicKey))),
                new Authority("ci", new KeyVerifier(ci.getPublic()))),
            1,
            VerifyOptions.DEFAULTS);
  }

  private void attest(String name, KeyPair keys, String type, String predicate) throws Exception {
    VerificationResult r = verify();
    String statement =
        "{\"_type\": \"https://in-toto.io/Statement/v1\", \"subject\": [{\"name\": \"m\", \"digest\": {\"sha256\": \""
            + r.rootDigest().orElseThrow().hex()
            + "\"}}], \"predicateType\": \""
            + type
            + "\", \"predicate\": "
            + predicate
            + "}";
    Path dir = Files.createDirectories(LocalAttestations.directoryFor(signed.model));
    Files.write(dir.resolve(name), KeyBundles.sign(keys, statement));
  }

  private VerificationResult verify() {
    VerificationResult r =
        verifier.verify(
            new VerificationRequest(
                signed.model, signed.signature, VerifyOptions.DEFAULTS, HashProgress.NONE),
            policy);
    return ModelVerificationService.withLocalAttestations(verifier, signed.model, r, policy);
  }

  private static PolicyRules rule(Set<String> authorities, String condition) {
    return new PolicyRules(
        List.of(),
        List.of(),
        List.of(
            new PolicyRules.AttestationRule(
                "accuracy",
                EVAL,
                authorities,
                condition == null
                    ? Optional.empty()
                    : Optional.of(CelCondition.compile(condition)))),
        Optional.empty());
  }

  private PolicyChecks.Result check(PolicyRules rules) {
    return PolicyChecks.after(rules, "m", "file://" + signed.model, verify());
  }

  @Test
  void conditionReadsThePredicateOfTheSignedStatement() throws Exception {
    attest("eval.json", ci, EVAL, "{\"metrics\": {\"accuracy\": 0.93}}");

    PolicyChecks.Result r = check(rule(Set.of("ci"), "predicate.metrics.accuracy >= 0.9"));

    assertThat(r.failures()).isEmpty();
    assertThat(r.heldAttestations()).containsExactly("accuracy");
  }

  @Test
  void attestationOfAnotherPredicateTypeDoesNotCountAndTheRuleIsMissing() throws Exception {
    attest("eval.json", ci, "https://example.com/other/v1", "{\"metrics\": {\"accuracy\": 0.93}}");

    assertThat(check(rule(Set.of(), null)).failures())
        .extracting(Failure::reason)
        .containsExactly(Reason.ATTESTATION_MISSING);
  }

  @Test
  void attestationSignedByNoAuthorityIsMissingAndNamedAsUnreadable() throws Exception {
    attest("eval.json", TestKeys.ec("secp256r1"), EVAL, "{}");

    List<Failure> failures = check(rule(Set.of(), null)).failures();

    assertThat(failures).extracting(Failure::reason).containsExactly(Reason.ATTESTATION_MISSING);
    assertThat(failures.get(0).message())
        .contains("1 attestation(s) could not be read")
        .contains("eval.json: KEY_MISMATCH");
  }

  @Test
  void attestationSignedByAnAuthorityTheRuleDoesNotAllowFails() throws Exception {
    attest("eval.json", signed.keys, EVAL, "{}");

    List<Failure> failures = check(rule(Set.of("ci"), null)).failures();

    assertThat(failures).extracting(Failure::reason).containsExactly(Reason.ATTESTATION_FAILED);
    assertThat(failures.get(0).message())
        .contains("is signed by [release-key], not by one of [ci]");
  }
}
