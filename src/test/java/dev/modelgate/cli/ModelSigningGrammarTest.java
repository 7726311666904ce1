package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.testing.BundlePayload;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.Fixtures;
import dev.modelgate.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * model_signing's own command lines work unchanged with {@code modelgate} in place of {@code python
 * -m model_signing}. The command lines follow its CLI test scripts (scripts/tests/test-verify-*.sh,
 * test-sign-verify.sh, test-sign-verify-allversions.sh) and README, sigstore/model-transparency @
 * e3430730bca924e672b2e59f10524a7ffb5adf79, spelled as they spell them (underscores included), with
 * absolute paths; the commands that depend on the current directory are in {@link
 * ModelSigningWorkingDirectoryTest}.
 */
class ModelSigningGrammarTest {
  static final String IDENTITY = "stefanb@us.ibm.com";
  static final String ISSUER = "https://sigstore.verify.ibm.com/oauth2";

  @TempDir Path tmp;
  Path model;
  Path ignore;
  Path sig;

  /** The model of test-sign-verify.sh: two files to sign and one to leave out. */
  @BeforeEach
  void model() {
    model = tmp.resolve("model");
    TestModels.write(model.resolve("signme-1"), "signme-1\n");
    TestModels.write(model.resolve("signme-2"), "signme-2\n");
    ignore = TestModels.write(model.resolve("ignore"), "ignore\n");
    sig = model.resolve("model.sig");
  }

  private static Path key(String name) {
    return Fixtures.oms("keys/certificate/" + name);
  }

  private Cli.Result signKey() {
    return Cli.run(
        "sign",
        "key",
        "--signature",
        sig,
        "--private_key",
        key("signing-key.pem"),
        "--ignore-paths",
        ignore,
        model);
  }

  private Cli.Result signCertificate(Object... extra) {
    List<Object> args =
        new ArrayList<>(
            List.of(
                "sign",
                "certificate",
                "--signature",
                sig,
                "--private_key",
                key("signing-key.pem"),
                "--signing_certificate",
                key("signing-key-cert.pem"),
                "--certificate_chain",
                key("int-ca-cert.pem"),
                "--ignore-paths",
                ignore));
    args.addAll(List.of(extra));
    args.add(model);
    return Cli.run(args.toArray());
  }

  private Cli.Result verifyCertificate(Object... extra) {
    List<Object> args =
        new ArrayList<>(
            List.of(
                "verify",
                "certificate",
                "--signature",
                sig,
                "--certificate_chain",
                key("ca-cert.pem"),
                "--ignore-paths",
                ignore));
    args.addAll(List.of(extra));
    args.add(model);
    return Cli.run(args.toArray());
  }

  /**
   * The verify command line of scripts/tests/test-verify-&lt;dir&gt;.sh, from the fixture's
   * directory name.
   */
  static List<Object> scriptVerifyCommand(String dir) {
    Path d = Fixtures.oms(dir);
    List<Object> args = new ArrayList<>(List.of("verify"));
    if (dir.endsWith("-elliptic-key")) {
      args.addAll(List.of("key", "--public_key", key("signing-key-pub.pem")));
    } else if (dir.endsWith("-certificate")) {
      args.addAll(List.of("certificate", "--certificate_chain", key("ca-cert.pem")));
    } else {
      args.addAll(List.of("sigstore", "--identity", IDENTITY, "--identity_provider", ISSUER));
    }
    if (Files.exists(d.resolve("ignore-me"))) {
      args.addAll(List.of("--ignore-paths", d.resolve("ignore-me")));
    }
    args.addAll(List.of("--signature", d.resolve("model.sig")));
    // v0.3.1 and v1.0.0 signed a single file with the key method
    // (test-verify-v1.0.0-elliptic-key.sh)
    args.add(
        dir.equals("v0.3.1-elliptic-key") || dir.equals("v1.0.0-elliptic-key")
            ? d.resolve("signme-1")
            : d);
    return args;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "v0.2.0-certificate",
        "v0.3.1-certificate",
        "v0.3.1-elliptic-key",
        "v0.3.1-sigstore",
        "v1.0.0-certificate",
        "v1.0.0-elliptic-key",
        "v1.0.0-sigstore",
        "v1.0.1-certificate",
        "v1.0.1-elliptic-key",
        "v1.0.1-sigstore",
        "v1.1.0-certificate",
        "v1.1.0-elliptic-key",
        "v1.1.0-sigstore"
      })
  void everyReferenceSignatureVerifiesWithTheCommandLineOfItsTestScript(String dir) {
    Cli.Result r = Cli.run(scriptVerifyCommand(dir).toArray());

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("Verification succeeded\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.0.1-certificate", "v1.0.1-elliptic-key", "v1.0.1-sigstore"})
  void withoutTheScriptsIgnorePathTheUnsignedFileFails(String dir) {
    List<Object> args = scriptVerifyCommand(dir);
    int at = args.indexOf("--ignore-paths");
    args.remove(at + 1);
    args.remove(at);

    Cli.Result r = Cli.run(args.toArray());

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("UNSIGNED_FILE: file 'ignore-me' is not covered by the signature");
    assertThat(r.out()).doesNotContain("succeeded");
  }

  @Test
  void signKeyThenVerifyKeySignsOnlyTheFilesNotIgnored() throws Exception {
    assertThat(signKey().out()).isEqualTo("Signing succeeded\n");

    Cli.Result r =
        Cli.run(
            "verify",
            "key",
            "--signature",
            sig,
            "--public_key",
            key("signing-key-pub.pem"),
            "--ignore-paths",
            ignore,
            model);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(BundlePayload.of(sig).resourceNames()).containsExactly("signme-1", "signme-2");
    assertThat(BundlePayload.of(sig).subjectName()).isEqualTo("model");
  }

  @Test
  void signCertificateThenVerifyCertificateWithTheRootAlone() throws Exception {
    assertThat(signCertificate().exitCode()).isZero();

    Cli.Result r = verifyCertificate();

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err()).contains("signed by CN=intermediate-ca (certificate)");
    assertThat(BundlePayload.of(sig).resourceNames()).containsExactly("signme-1", "signme-2");
    assertThat(BundlePayload.of(sig).subjectName()).isEqualTo("model");
  }

  @Test
  void signedWithKeyIsNotAcceptedByTheCertificateMethod() {
    signKey();

    Cli.Result r = verifyCertificate();

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("VERIFICATION_MATERIAL_MISMATCH");
  }

  @Test
  void tamperedFileFailsAndNamesTheFile() {
    signKey();
    TestModels.write(model.resolve("signme-2"), "signme-X\n");

    Cli.Result r =
        Cli.run(
            "verify",
            "key",
            "--signature",
            sig,
            "--public_key",
            key("signing-key-pub.pem"),
            "--ignore-paths",
            ignore,
            model);

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("DIGEST_MISMATCH: file 'signme-2'");
  }

  /**
   * test-sign-verify.sh: "Pass signature verification by ignoring any unsigned files or symlinks".
   */
  @Test
  void anUnsignedSymlinkIsRefusedButPassesWithIgnoreUnsignedFilesEvenWithoutAllowSymlinks()
      throws Exception {
    signCertificate();
    TestModels.write(model.resolve("symlinked"), "foo\n");
    Files.createSymbolicLink(model.resolve("symlink"), Path.of("symlinked"));

    assertThat(verifyCertificate().exitCode()).isEqualTo(1);
    assertThat(verifyCertificate("--no_ignore_unsigned_files").exitCode()).isEqualTo(1);
    Cli.Result r = verifyCertificate("--ignore_unsigned_files");

    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  /**
   * test-sign-verify.sh: sign with --allow_symlinks, then an extra symlink and an extra file need
   * --ignore_unsigned_files.
   */
  @Test
  void signedSymlinksVerifyWithAllowSymlinksAndExtrasOnlyWithIgnoreUnsignedFiles()
      throws Exception {
    TestModels.write(model.resolve("subdir/symlinked"), "foo\n");
    Files.createSymbolicLink(model.resolve("symlink"), Path.of("subdir/symlinked"));
    assertThat(signCertificate("--allow_symlinks").exitCode()).isZero();
    assertThat(BundlePayload.of(sig).resourceNames())
        .containsExactly("signme-1", "signme-2", "subdir/symlinked", "symlink");
    assertThat(verifyCertificate("--allow_symlinks").exitCode()).isZero();
    assertThat(verifyCertificate().err()).contains("SYMLINK_REFUSED");

    Files.createSymbolicLink(model.resolve("symlink2"), Path.of("subdir/symlinked"));
    assertThat(verifyCertificate("--allow_symlinks").err())
        .contains("UNSIGNED_FILE: file 'symlink2'");
    assertThat(verifyCertificate("--allow_symlinks", "--ignore_unsigned_files").exitCode())
        .isZero();

    Files.delete(model.resolve("symlink2"));
    Files.createFile(model.resolve("newfile"));
    assertThat(verifyCertificate("--allow_symlinks").err())
        .contains("UNSIGNED_FILE: file 'newfile'");
    assertThat(verifyCertificate("--allow_symlinks", "--ignore_unsigned_files").exitCode())
        .isZero();
  }

  /**
   * test-sign-verify-allversions.sh passes the directory's ignore-me even when the model is one
   * file in it.
   */
  @Test
  void anIgnorePathOutsideASingleFileModelIsSkippedWithANote() {
    Path dir = Fixtures.oms("v1.0.0-elliptic-key");

    Cli.Result r =
        Cli.run(
            "verify",
            "key",
            "--signature",
            dir.resolve("model.sig"),
            "--public_key",
            key("signing-key-pub.pem"),
            "--ignore-paths",
            dir.resolve("ignore-me"),
            dir.resolve("signme-1"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err())
        .contains("note: --ignore-paths " + dir.resolve("ignore-me") + " is not inside the model");
  }

  @Test
  void ignoringTheModelItselfIsBadUsage() {
    signKey();

    Cli.Result r =
        Cli.run(
            "verify",
            "key",
            "--signature",
            sig,
            "--public_key",
            key("signing-key-pub.pem"),
            "--ignore-paths",
            model,
            model);

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("is the model itself");
  }

  @Test
  void gitPathsAreLeftOutUnlessNoIgnoreGitPaths() throws Exception {
    TestModels.write(model.resolve(".gitignore"), "*.tmp\n");
    signKey();
    assertThat(BundlePayload.of(sig).resourceNames()).containsExactly("signme-1", "signme-2");

    Cli.run(
        "sign",
        "key",
        "--signature",
        sig,
        "--private_key",
        key("signing-key.pem"),
        "--ignore-paths",
        ignore,
        "--no_ignore_git_paths",
        model);

    assertThat(BundlePayload.of(sig).resourceNames())
        .containsExactly(".gitignore", "signme-1", "signme-2");
    assertThat(
            Cli.run(
                    "verify",
                    "key",
                    "--signature",
                    sig,
                    "--public_key",
                    key("signing-key-pub.pem"),
                    "--ignore-paths",
                    ignore,
                    "--no-ignore-git-paths",
                    model)
                .exitCode())
        .isZero();
  }

  @Test
  void onlyOptionNamesAreRespelledNotTheirValues() {
    Path underscored = tmp.resolve("my_model.sig");

    Cli.Result r =
        Cli.run(
            "sign",
            "key",
            "--signature=" + underscored,
            "--private_key=" + key("signing-key.pem"),
            "--ignore-paths",
            ignore,
            model);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(underscored).exists();
  }

  @Test
  void verifyMethodsRequireTheSignatureAsModelSigningDoes() {
    Cli.Result r = Cli.run("verify", "key", "--public_key", key("signing-key-pub.pem"), model);

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Missing required option: '--signature=SIGNATURE_PATH'");
  }

  @Test
  void verifyCertificateWithoutAChainRefusesToFallBackToWebPki() {
    signCertificate();

    Cli.Result r =
        Cli.run("verify", "certificate", "--signature", sig, "--ignore-paths", ignore, model);

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains("verify certificate needs --certificate-chain")
        .contains("does not fall back to web PKI");
  }

  @Test
  void logFingerprintsPrintsTheTrustedAndThePresentedCertificates() {
    signCertificate();

    Cli.Result r = verifyCertificate("--log_fingerprints");

    assertThat(r.exitCode()).isZero();
    assertThat(r.err())
        .containsPattern(
            "\\[  init  \\] sha256 Fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}  CN=root-ca")
        .containsPattern(
            "\\[ verify \\] sha256 Fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}  CN=intermediate-ca");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sigstore", "pkcs11-key", "pkcs11_key", "pkcs11-certificate"})
  void signingMethodsThatCannotWorkHereSayWhyInOneLine(String method) {
    Cli.Result r =
        Cli.run(
            "sign",
            method,
            "--signature",
            sig,
            "--identity_token",
            "eyJ...",
            "--pkcs11_uri",
            "pkcs11:token=t",
            model);

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err())
        .startsWith("modelgate: sign " + method.replace('_', '-') + " is not available: ");
    assertThat(sig).doesNotExist();
  }

  /** model_signing's _PKICmdGroup: without a method, sign means sign sigstore. */
  @Test
  void signWithoutAMethodOrKeyIsSigstoreSigningAndSaysSo() {
    Cli.Result r = Cli.run("sign", "--signature", sig, model);

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("modelgate: sign sigstore is not available: ");
  }

  @Test
  void encryptedKeysAreRefusedWithTheWayOut() {
    Cli.Result r =
        Cli.run(
            "sign",
            "key",
            "--signature",
            sig,
            "--private_key",
            key("signing-key.pem"),
            "--password",
            "secret",
            model);

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains("--password: encrypted private keys are not read")
        .contains("openssl pkey");
    assertThat(sig).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"v0.3.1-sigstore", "v1.0.0-sigstore", "v1.0.1-sigstore"})
  void verifySigstoreWithModelSigningsCustomTrustConfig(String dir) {
    List<Object> args = scriptVerifyCommand(dir);
    args.addAll(2, List.of("--trust_config", Fixtures.oms("trust/custom_trust_config.json")));

    Cli.Result r = Cli.run(args.toArray());

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("Verification succeeded\n");
  }

  /**
   * The config's only TSA is GitHub's, while v1.1.0-sigstore carries a sigstore-tsa timestamp
   * (fixtures README). sigstore-python, which model_signing verifies with, drops a timestamp no
   * trusted TSA verifies ({@code sigstore/verify/verifier.py} {@code _verify_signed_timestamp},
   * sigstore-python 27db13db) and verifies on the Rekor time: so does ModelGate.
   */
  @Test
  void aTimestampTheTrustConfigCannotVerifyIsDroppedAndTheLoggedTimeDecides() {
    List<Object> args = scriptVerifyCommand("v1.1.0-sigstore");
    args.addAll(2, List.of("--trust-config", Fixtures.oms("trust/custom_trust_config.json")));

    Cli.Result r = Cli.run(args.toArray());

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("Verification succeeded\n");
  }

  @Test
  void theFlagFormTakesTheTrustConfigToo() {
    Path dir = Fixtures.oms("v1.0.0-sigstore");

    Cli.Result r =
        Cli.run(
            "verify",
            dir,
            "--identity",
            IDENTITY,
            "--identity-provider",
            ISSUER,
            "--trust-config",
            Fixtures.oms("trust/custom_trust_config.json"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @Test
  void trustedRootAndTrustConfigTogetherAreBadUsage() {
    List<Object> args = scriptVerifyCommand("v1.0.0-sigstore");
    args.addAll(
        2,
        List.of(
            "--trust-config",
            Fixtures.oms("trust/custom_trust_config.json"),
            "--trusted-root",
            Fixtures.shared().resolve("fixtures/sigstore/public-good-trusted_root.json")));

    Cli.Result r = Cli.run(args.toArray());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--trusted-root and --trust-config both name a trusted root");
  }

  @Test
  void useStagingSaysHowToPassTheStagingRoot() {
    List<Object> args = scriptVerifyCommand("v1.0.0-sigstore");
    args.add(2, "--use_staging");

    Cli.Result r = Cli.run(args.toArray());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err())
        .contains("--use-staging: no Sigstore staging trusted root ships with ModelGate")
        .contains("--trust-config FILE");
  }

  /** As in model_signing's verifier, a trust config wins over --use-staging. */
  @Test
  void useStagingWithATrustConfigUsesTheTrustConfig() {
    List<Object> args = scriptVerifyCommand("v1.0.0-sigstore");
    args.addAll(
        2,
        List.of("--use-staging", "--trust-config", Fixtures.oms("trust/custom_trust_config.json")));

    assertThat(Cli.run(args.toArray()).exitCode()).isZero();
  }

  @Test
  void aTrustedRootGivenAsTrustConfigIsBadInputThatNamesTheRightOption() {
    List<Object> args = scriptVerifyCommand("v1.0.0-sigstore");
    args.addAll(
        2,
        List.of(
            "--trust-config",
            Fixtures.shared().resolve("fixtures/sigstore/public-good-trusted_root.json")));

    Cli.Result r = Cli.run(args.toArray());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("this is a trusted_root.json");
  }

  @Test
  void verifySigstoreRequiresIdentityAndProvider() {
    Path dir = Fixtures.oms("v1.0.0-sigstore");

    Cli.Result r = Cli.run("verify", "sigstore", "--signature", dir.resolve("model.sig"), dir);

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains("Missing required options")
        .contains("--identity=IDENTITY")
        .contains("--identity-provider=IDENTITY_PROVIDER");
  }

  @Test
  void helpShowsBothGrammars() {
    Cli.Result verify = Cli.run("verify", "--help");
    Cli.Result sign = Cli.run("sign", "--help");
    Cli.Result key = Cli.run("verify", "key", "--help");

    assertThat(verify.exitCode()).isZero();
    assertThat(verify.out())
        .contains("--public-key")
        .contains("key")
        .contains("certificate")
        .contains("sigstore")
        .contains("model_signing");
    assertThat(sign.out())
        .contains("--private-key")
        .contains("pkcs11-key")
        .contains("pkcs11-certificate")
        .contains("model_signing");
    assertThat(key.out())
        .contains("--signature=SIGNATURE_PATH")
        .contains("--[no-]ignore-git-paths")
        .contains("--[no-]ignore-unsigned-files");
  }

  @Test
  void theFlagFormStillWorksAlongside() {
    signKey();

    Cli.Result r =
        Cli.run(
            "verify", model, "--public-key", key("signing-key-pub.pem"), "--ignore-paths", ignore);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEmpty();
  }

  /** model_signing's README: {@code model_signing --log-level debug sign …}. */
  @Test
  void theTopLevelLogLevelOfModelSigningIsAccepted() {
    assertThat(
            Cli.run(
                    "--log-level",
                    "debug",
                    "sign",
                    "key",
                    "--signature",
                    sig,
                    "--private_key",
                    key("signing-key.pem"),
                    model)
                .exitCode())
        .isZero();

    Cli.Result bad =
        Cli.run(
            "--log-level",
            "loud",
            "sign",
            "key",
            "--signature",
            sig,
            "--private_key",
            key("signing-key.pem"),
            model);

    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err())
        .contains("--log-level must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got 'loud'");
  }

  /**
   * model_signing's README: {@code model_signing verify MODEL --signature … --trust-config …
   * --identity … --identity-provider …}, no method.
   */
  @Test
  void verifyWithoutAMethodIsSigstoreAsInModelSigningsReadme() {
    Path dir = Fixtures.oms("v1.0.0-sigstore");

    Cli.Result r =
        Cli.run(
            "verify",
            dir,
            "--signature",
            dir.resolve("model.sig"),
            "--trust-config",
            Fixtures.oms("trust/custom_trust_config.json"),
            "--identity",
            IDENTITY,
            "--identity-provider",
            ISSUER);

    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @Test
  void theFlagFormWithACertificateButNoKeyAsksForTheKey() {
    Cli.Result r = Cli.run("sign", model, "--signing-certificate", key("signing-key-cert.pem"));

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Missing required option: '--private-key=PEM'");
  }

  @Test
  void aSignatureInADirectoryThatDoesNotExistIsBadInput() {
    Cli.Result r =
        Cli.run(
            "sign",
            "key",
            "--signature",
            tmp.resolve("absent/model.sig"),
            "--private_key",
            key("signing-key.pem"),
            model);

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("cannot write the signature").contains("does not exist");
  }
}
