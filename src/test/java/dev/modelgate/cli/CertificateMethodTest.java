package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.testing.Cli;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import dev.modelgate.testing.TestPki;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate method against chains, usages, identities and validity periods the tests mint.
 */
class CertificateMethodTest {
  @TempDir Path tmp;
  final TestPki pki = new TestPki("corp");

  private Path signWith(TestPki.Leaf spec) {
    KeyPair keys = TestKeys.ec("secp384r1");
    Path model = TestModels.sample(tmp, "m");
    Cli.Result r =
        Cli.run(
            "sign", model,
            "--private-key", TestKeys.writePem(tmp.resolve("leaf.key"), keys.getPrivate()),
            "--signing-certificate",
                TestKeys.writePem(tmp.resolve("leaf.pem"), pki.leaf(keys, spec)),
            "--certificate-chain", TestKeys.writePem(tmp.resolve("int.pem"), pki.intermediate));
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return model;
  }

  private Path root(TestPki which) {
    return TestKeys.writePem(
        tmp.resolve("root-" + which.root.getSerialNumber() + ".pem"), which.root);
  }

  @Test
  void chainToAnotherRootIsUntrusted() {
    Path model = signWith(new TestPki.Leaf());

    Cli.Result r = Cli.run("verify", model, "--certificate-chain", root(new TestPki("other")));

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .contains(
            "CHAIN_UNTRUSTED: signing certificate 'CN=model signer' (issued by 'CN=corp intermediate') does not chain to a trusted anchor");
  }

  @Test
  void certificateWithoutSigningUsageIsRejected() {
    Path model = signWith(new TestPki.Leaf().noSigningUsage());

    Cli.Result r = Cli.run("verify", model, "--certificate-chain", root(pki));

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .contains(
            "CERTIFICATE_USAGE: signing certificate 'CN=model signer' has neither key usage digitalSignature nor extended key usage codeSigning");
  }

  @Test
  void wrongSanIsAnIdentityMismatchThatListsWhatWasFound() {
    Path model = signWith(new TestPki.Leaf().email("intern@acme.example"));

    Cli.Result r =
        Cli.run(
            "verify",
            model,
            "--certificate-chain",
            root(pki),
            "--san-regexp",
            "release@acme\\.example");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .contains(
            "IDENTITY_MISMATCH: no subject alternative name of 'CN=model signer' matches 'release@acme\\.example' (found intern@acme.example)");
  }

  @Test
  void sanPatternMustMatchWholeNameNotAPrefix() {
    Path model = signWith(new TestPki.Leaf().email("release@acme.example.evil.test"));

    Cli.Result r =
        Cli.run(
            "verify",
            model,
            "--certificate-chain",
            root(pki),
            "--san-regexp",
            "release@acme\\.example");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("IDENTITY_MISMATCH");
  }

  @Test
  void wrongSubjectIsAnIdentityMismatch() {
    Path model = signWith(new TestPki.Leaf().subject("CN=someone else"));

    Cli.Result r =
        Cli.run(
            "verify",
            model,
            "--certificate-chain",
            root(pki),
            "--subject-regexp",
            "CN=model signer");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .contains(
            "IDENTITY_MISMATCH: certificate subject 'CN=someone else' does not match 'CN=model signer'");
  }

  @Test
  void certificateExpiredTodayStillVerifiesBecauseTheChainIsCheckedAtNotBeforeAsTheReferenceDoes() {
    Instant from = Instant.now().minus(Duration.ofDays(10));
    Path model = signWith(new TestPki.Leaf().validity(from, from.plus(Duration.ofDays(1))));

    Cli.Result r = Cli.run("verify", model, "--certificate-chain", root(pki));

    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @Test
  void certificateIssuedBeforeTheCaExistedIsUntrusted() {
    Instant before = pki.root.getNotBefore().toInstant().minus(Duration.ofDays(30));
    Path model =
        signWith(new TestPki.Leaf().validity(before, Instant.now().plus(Duration.ofDays(1))));

    Cli.Result r = Cli.run("verify", model, "--certificate-chain", root(pki));

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("CHAIN_UNTRUSTED");
  }

  @Test
  void signingCertificateForAnotherKeyIsRefusedAtSigning() {
    KeyPair keys = TestKeys.ec("secp256r1");
    Path model = TestModels.sample(tmp, "m");

    Cli.Result r =
        Cli.run(
            "sign", model,
            "--private-key", TestKeys.writePem(tmp.resolve("k.pem"), keys.getPrivate()),
            "--signing-certificate",
                TestKeys.writePem(
                    tmp.resolve("leaf.pem"),
                    pki.leaf(TestKeys.ec("secp256r1"), new TestPki.Leaf())));

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("does not hold the public key of the given private key");
  }
}
