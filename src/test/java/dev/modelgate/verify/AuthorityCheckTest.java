package dev.modelgate.verify;

import static dev.modelgate.verify.Steps.authority;
import static dev.modelgate.verify.Steps.failed;
import static dev.modelgate.verify.Steps.onlyFailure;
import static dev.modelgate.verify.Steps.passed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.DsseEnvelope;
import dev.modelgate.oms.Pae;
import dev.modelgate.oms.SigstoreBundle;
import dev.modelgate.testing.KeyBundles;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import dev.modelgate.testing.TestSigstore;
import dev.modelgate.trust.KeylessIdentity;
import dev.modelgate.trust.PaeForm;
import dev.modelgate.trust.SignatureVerifier;
import dev.modelgate.trust.SignerVerdict;
import dev.modelgate.trust.SigningMethod;
import dev.modelgate.trust.SigstoreKeylessVerifier;
import dev.modelgate.trust.SigstoreTrustRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The authorities-and-threshold step: which of the policy's authorities signed a bundle, and
 * whether enough distinct ones did, one bundle counting for one authority only.
 */
class AuthorityCheckTest {
  @TempDir Path tmp;
  final AuthorityCheck check = new AuthorityCheck();
  final KeyPair release = TestKeys.ec("secp256r1");
  final KeyPair other = TestKeys.ec("secp256r1");

  private byte[] statement() {
    Path model = tmp.resolve("model");
    if (!Files.isDirectory(model)) {
      TestModels.sample(tmp, "model");
    }
    return Steps.statement(model);
  }

  private SigstoreBundle signedBy(KeyPair keys) {
    return KeyBundles.parsed(KeyBundles.sign(keys, statement()));
  }

  private static VerificationPolicy policy(int threshold, Authority... authorities) {
    return new VerificationPolicy(List.of(authorities), threshold, VerifyOptions.DEFAULTS);
  }

  @Test
  void bundleSignedByTheAuthorityKeyNamesThatAuthority() {
    VerifiedSigners v =
        passed(check.signers(signedBy(release), List.of(authority("release-key", release))));

    assertThat(v.authorities()).containsExactly("release-key");
    assertThat(v.signer().method()).isEqualTo(SigningMethod.KEY);
    assertThat(v.paeForm()).isEqualTo(PaeForm.STANDARD);
    assertThat(v.refusals()).isEmpty();
  }

  @Test
  void bundleSignedByAnotherKeyIsRefusedWithTheAuthorityNamed() {
    List<Failure> failures =
        failed(check.signers(signedBy(other), List.of(authority("release-key", release))));

    assertThat(failures).extracting(Failure::reason).contains(Reason.KEY_MISMATCH);
    assertThat(failures)
        .allSatisfy(f -> assertThat(f.message()).startsWith("authority 'release-key': "));
  }

  @Test
  void signatureSwappedInFromAnotherStatementDoesNotVerify() {
    byte[] mine = statement();
    byte[] otherStatement = "{\"another\": \"statement\"}".getBytes();
    byte[] swapped =
        KeyBundles.sign(
            release, mine, Pae.encode(DsseEnvelope.IN_TOTO_PAYLOAD_TYPE, otherStatement));

    Failure f =
        onlyFailure(
            check.signers(KeyBundles.parsed(swapped), List.of(authority("release-key", release))),
            Reason.SIGNATURE_INVALID);

    assertThat(f.message())
        .isEqualTo(
            "authority 'release-key': DSSE signature does not verify with the given public key");
  }

  @Test
  void oneAuthorityThatAcceptsIsEnoughAndTheOthersRefusalsAreKept() {
    VerifiedSigners v =
        passed(
            check.signers(
                signedBy(release),
                List.of(authority("other-key", other), authority("release-key", release))));

    assertThat(v.authorities()).containsExactly("release-key");
    assertThat(v.refusals())
        .isNotEmpty()
        .allSatisfy(f -> assertThat(f.message()).startsWith("authority 'other-key': "));
  }

  @Test
  void keylessSignerWithAnotherIdentityIsRefused() throws Exception {
    TestSigstore sigstore = new TestSigstore();
    TestSigstore.Options o = new TestSigstore.Options();
    o.san = "intruder@test.local";
    Path bundle = sigstore.sign(statement(), o, tmp.resolve("keyless.sig"));
    SignatureVerifier keyless =
        new SigstoreKeylessVerifier(
            SigstoreTrustRoot.fromFile(sigstore.writeTrustedRoot(tmp.resolve("root.json"))),
            List.of(KeylessIdentity.exact(TestSigstore.ISSUER, "signer@test.local")));

    Failure f =
        onlyFailure(
            check.signers(
                KeyBundles.parsed(Files.readAllBytes(bundle)),
                List.of(new Authority("ci", keyless))),
            Reason.IDENTITY_MISMATCH);

    assertThat(f.message()).contains("authority 'ci'").contains("intruder@test.local");
  }

  @Test
  void verifierThatThrowsIsAnInternalErrorOfThatAuthorityOnly() {
    SignatureVerifier broken =
        new SignatureVerifier() {
          @Override
          public SigningMethod method() {
            return SigningMethod.KEY;
          }

          @Override
          public SignerVerdict verify(SigstoreBundle bundle) {
            throw new IllegalStateException("bug");
          }
        };

    VerifiedSigners v =
        passed(
            check.signers(
                signedBy(release),
                List.of(new Authority("broken", broken), authority("release-key", release))));

    assertThat(v.authorities()).containsExactly("release-key");
    assertThat(v.refusals()).extracting(Failure::reason).containsExactly(Reason.INTERNAL_ERROR);
  }

  @Test
  void thresholdOfTwoIsMetByTwoBundlesOfDistinctAuthorities() {
    Authority a = authority("release-key", release);
    Authority b = authority("other-key", other);
    VerificationPolicy two = policy(2, a, b);
    VerifiedSigners first = passed(check.signers(signedBy(release), two.authorities()));
    VerifiedSigners second = passed(check.signers(signedBy(other), two.authorities()));

    List<String> counted = passed(check.threshold(List.of(first, second), List.of(), two));

    assertThat(counted).containsExactly("release-key", "other-key");
  }

  @Test
  void sameKeyNamedTwiceCannotMeetAThresholdOfTwo() {
    VerificationPolicy two =
        policy(2, authority("release-key", release), authority("release-key-again", release));
    VerifiedSigners v = passed(check.signers(signedBy(release), two.authorities()));
    assertThat(v.authorities()).containsExactly("release-key", "release-key-again");

    Failure f = onlyFailure(check.threshold(List.of(v), List.of(), two), Reason.THRESHOLD_NOT_MET);

    assertThat(f.message()).isEqualTo("1 of 2 required authorities signed (release-key)");
  }

  @Test
  void twoBundlesOfTheSameAuthorityCountOnce() {
    VerificationPolicy two =
        policy(2, authority("release-key", release), authority("other-key", other));
    VerifiedSigners v1 = passed(check.signers(signedBy(release), two.authorities()));
    VerifiedSigners v2 = passed(check.signers(signedBy(release), two.authorities()));

    Failure f =
        onlyFailure(check.threshold(List.of(v1, v2), List.of(), two), Reason.THRESHOLD_NOT_MET);

    assertThat(f.message()).isEqualTo("1 of 2 required authorities signed (release-key)");
  }

  @Test
  void thresholdNotMetCarriesTheRefusalsUnderIt() {
    VerificationPolicy two =
        policy(2, authority("release-key", release), authority("other-key", other));
    List<Failure> refusals =
        failed(check.signers(signedBy(TestKeys.ec("secp256r1")), two.authorities()));

    List<Failure> failures = failed(check.threshold(List.of(), refusals, two));

    assertThat(failures.get(0).reason()).isEqualTo(Reason.THRESHOLD_NOT_MET);
    assertThat(failures.get(0).message()).isEqualTo("0 of 2 required authorities signed");
    assertThat(failures.subList(1, failures.size())).isEqualTo(refusals);
  }

  @Test
  void withOneAuthorityTheRefusalItselfIsTheAnswer() {
    VerificationPolicy one = policy(1, authority("release-key", release));
    List<Failure> refusals = failed(check.signers(signedBy(other), one.authorities()));

    assertThat(failed(check.threshold(List.of(), refusals, one))).isEqualTo(refusals);
  }
}
