package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.oms.HashAlgorithm;
import dev.modelgate.oms.HashProgress;
import dev.modelgate.oms.IgnoreRules;
import dev.modelgate.oms.ManifestBuilder;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.oms.RelativePath;
import dev.modelgate.oms.Serialization;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.Fixtures;
import dev.modelgate.testing.TestModels;
import dev.modelgate.testing.TestSigstore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyless signatures of the project's own models, minted by {@link TestSigstore}, verified offline
 * through the CLI; each forgery is rejected with the reason that names what failed.
 */
class KeylessTest {
  @TempDir Path tmp;
  final TestSigstore sigstore = new TestSigstore();
  Path model;
  Path trustedRoot;

  @BeforeEach
  void setUp() {
    model = TestModels.sample(tmp, "model");
    trustedRoot = sigstore.writeTrustedRoot(tmp.resolve("trusted_root.json"));
  }

  private void sign(Consumer<TestSigstore.Options> tweak) {
    List<RelativePath> ignore = new ArrayList<>(IgnoreRules.GIT_PATHS);
    ignore.add(RelativePath.parse("model.sig"));
    byte[] statement =
        new ManifestBuilder(ModelHasher.allCores())
            .build(
                model,
                Serialization.files(HashAlgorithm.SHA256, false),
                new IgnoreRules(ignore),
                HashProgress.NONE)
            .statement();
    TestSigstore.Options o = new TestSigstore.Options();
    tweak.accept(o);
    sigstore.sign(statement, o, model.resolve("model.sig"));
  }

  private Cli.Result verify(Object... extra) {
    List<Object> args = new ArrayList<>(List.of("verify", model, "--trusted-root", trustedRoot));
    if (extra.length == 0) {
      args.addAll(
          List.of("--identity", "signer@test.local", "--identity-provider", TestSigstore.ISSUER));
    }
    args.addAll(List.of(extra));
    return Cli.run(args.toArray());
  }

  private void assertRejected(Cli.Result r, String expected) {
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains(expected);
  }

  @Test
  void keylessSignatureWithSetVerifiesAndReportsSignerIssuerAndTime() {
    sign(o -> {});

    Cli.Result r =
        verify(
            "--identity",
            "signer@test.local",
            "--identity-provider",
            TestSigstore.ISSUER,
            "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("\"method\" : \"keyless\"")
        .contains("\"identity\" : \"signer@test.local\"")
        .contains("\"issuer\" : \"https://issuer.test.local\"")
        .contains("\"signingTime\"");
  }

  @Test
  void keylessSignatureWithOnlyAnRfc3161TimestampVerifies() {
    sign(
        o -> {
          o.withSet = false;
          o.withTimestamp = true;
        });

    assertThat(verify().exitCode()).as(verify().toString()).isZero();
  }

  @Test
  void uriIdentityMatchesByFullRegularExpression() {
    sign(
        o -> {
          o.san = "https://github.com/acme/models/.github/workflows/sign.yml@refs/heads/main";
          o.sanIsUri = true;
        });

    Cli.Result ok =
        verify(
            "--identity-regex",
            "https://github\\.com/acme/.*@refs/heads/main",
            "--identity-provider-regex",
            "https://issuer\\.test\\..*");
    Cli.Result partial =
        verify(
            "--identity-regex",
            "https://github\\.com/acme",
            "--identity-provider",
            TestSigstore.ISSUER);

    assertThat(ok.exitCode()).as(ok.toString()).isZero();
    assertRejected(partial, "IDENTITY_MISMATCH");
  }

  @Test
  void wrongSubjectIsRejected() {
    sign(o -> o.san = "mallory@test.local");
    assertRejected(
        verify(),
        "IDENTITY_MISMATCH: signer 'mallory@test.local' (issuer 'https://issuer.test.local') is not one of the allowed identities");
  }

  @Test
  void wrongIssuerIsRejected() {
    sign(o -> o.issuer = "https://accounts.evil.test");
    assertRejected(
        verify(),
        "IDENTITY_MISMATCH: signer 'signer@test.local' (issuer 'https://accounts.evil.test')");
  }

  @Test
  void certificateFromAnotherFulcioIsUntrusted() {
    sign(o -> o.foreignFulcio = true);
    Cli.Result r = verify();
    assertRejected(r, "CHAIN_UNTRUSTED: signing certificate of 'signer@test.local'");
    assertThat(r.err()).doesNotContain("SCT_INVALID");
  }

  @Test
  void missingSctIsRejected() {
    sign(o -> o.noSct = true);
    Cli.Result r = verify();
    assertRejected(
        r,
        "SCT_INVALID: signing certificate of 'signer@test.local' (issuer 'https://issuer.test.local') chains to trusted root");
    assertThat(r.err()).doesNotContain("CHAIN_UNTRUSTED");
  }

  @Test
  void forgedSctIsRejected() {
    sign(o -> o.forgedSct = true);
    Cli.Result r = verify();
    assertRejected(r, "SCT_INVALID");
    assertThat(r.err()).doesNotContain("CHAIN_UNTRUSTED");
  }

  @Test
  void tamperedPayloadIsRejected() {
    sign(o -> o.tamperPayloadAfterSigning = true);
    assertRejected(
        verify(),
        "SIGNATURE_INVALID: DSSE signature does not verify with the keyless certificate of 'signer@test.local'");
  }

  @Test
  void forgedSetIsRejected() {
    sign(o -> o.forgedSet = true);
    assertRejected(verify(), "TLOG_INVALID: transparency-log entry 3 does not verify");
  }

  @Test
  void brokenInclusionProofIsRejected() {
    sign(o -> o.brokenInclusionProof = true);
    assertRejected(verify(), "TLOG_INVALID");
  }

  @Test
  void checkpointFromAnotherLogIsRejected() {
    sign(o -> o.checkpointFromOtherLog = true);
    assertRejected(verify(), "TLOG_INVALID");
  }

  @Test
  void logEntryForADifferentEnvelopeIsRejected() {
    sign(o -> o.entryForOtherEnvelope = true);
    assertRejected(verify(), "TLOG_ENTRY_MISMATCH: transparency-log entry records payload sha256:");
  }

  @Test
  void certificateExpiredAtTheLoggedTimeIsRejected() {
    sign(o -> o.late = true);
    assertRejected(verify(), "SIGNING_TIME_INVALID: signing certificate was valid from");
  }

  /**
   * As sigstore-python ({@code sigstore/verify/verifier.py} {@code _verify_signed_timestamp},
   * 27db13db) and sigstore-go ({@code pkg/verify/tsa.go}, 4594ab4c): a timestamp no trusted TSA
   * vouches for is dropped, and the log's SET still proves the time.
   */
  @Test
  void timestampFromAnUnknownTsaIsDroppedWhenTheLoggedTimeVerifies() {
    sign(
        o -> {
          o.withTimestamp = true;
          o.timestampFromUnknownTsa = true;
        });

    Cli.Result r = verify();

    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @Test
  void bundleWhoseOnlyTimeSourceIsAnUnknownTsaIsRejected() {
    sign(
        o -> {
          o.withSet = false;
          o.withTimestamp = true;
          o.timestampFromUnknownTsa = true;
        });

    assertRejected(
        verify(),
        "SIGNING_TIME_INVALID: bundle has no signed entry timestamp and none of its RFC 3161 timestamps verifies against trusted root");
  }

  /** sigstore-python raises "no Timestamp Authorities have been provided…" here. */
  @Test
  void timestampWhileTheTrustedRootListsNoTsaIsRejected() throws Exception {
    sign(o -> o.withTimestamp = true);
    Map<String, Object> root = new LinkedHashMap<>(sigstore.trustedRoot());
    root.remove("timestampAuthorities");
    Files.write(trustedRoot, new ObjectMapper().writeValueAsBytes(root));

    assertRejected(
        verify(),
        "TIMESTAMP_INVALID: bundle carries 1 RFC 3161 timestamp(s) but trusted root "
            + trustedRoot
            + " lists no timestamp authority");
  }

  @Test
  void twoLogEntriesAreRejected() {
    sign(o -> o.twoEntries = true);
    assertRejected(
        verify(), "TLOG_ENTRY_COUNT: bundle has 2 transparency-log entries, expected exactly 1");
  }

  @Test
  void twoSignaturesAreRejected() {
    sign(o -> o.twoSignatures = true);
    assertRejected(verify(), "SIGNATURE_COUNT: envelope has 2 signatures, expected exactly 1");
  }

  @Test
  void emptyTrustedRootIsAConfigurationError() throws Exception {
    sign(o -> {});
    Files.writeString(
        trustedRoot,
        "{\"mediaType\": \"application/vnd.dev.sigstore.trustedroot+json;version=0.1\"}");

    Cli.Result r = verify();

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains("trusted root " + trustedRoot + " lists no certificate authority (Fulcio)");
  }

  @Test
  void malformedTrustedRootIsAConfigurationError() throws Exception {
    sign(o -> {});
    Files.writeString(trustedRoot, "{not json");

    Cli.Result r = verify();

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("is not a Sigstore trusted root");
  }

  @Test
  void identityWithoutIssuerIsBadUsage() {
    sign(o -> {});

    Cli.Result r = Cli.run("verify", model, "--identity", "signer@test.local");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("needs exactly one of issuer and issuerRegExp");
  }

  @Test
  void keyBundleIsRefusedByTheKeylessMethod() {
    Cli.Result r =
        Cli.run(
            "verify",
            Fixtures.oms("v1.1.0-elliptic-key"),
            "--identity",
            "a@b",
            "--identity-provider",
            "https://x");

    assertRejected(
        r,
        "VERIFICATION_MATERIAL_MISMATCH: bundle carries publicKey material, but a keyless identity was given");
  }
}
