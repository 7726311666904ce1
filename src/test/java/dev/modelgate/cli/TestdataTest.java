package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.testing.Cli;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed testdata/ (made by testdata/generate.sh with our own sign) gives README's answers.
 */
class TestdataTest {
  static final Path TESTDATA = Path.of("testdata");

  @Test
  void sampleSignedWithTheTestKeyVerifies() {
    Cli.Result r =
        Cli.run(
            "verify",
            TESTDATA.resolve("models/sample"),
            "--public-key",
            TESTDATA.resolve("keys/signer.pub"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @Test
  void sampleSignedWithTheTestCaVerifiesWithItsIdentity() {
    Cli.Result r =
        Cli.run(
            "verify",
            TESTDATA.resolve("models/sample-cert"),
            "--certificate-chain",
            TESTDATA.resolve("keys/root.pem"),
            "--san-regexp",
            "release@modelgate\\.test");

    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @Test
  void tamperedSampleFailsAndNamesTheFile() {
    Cli.Result r =
        Cli.run(
            "verify",
            TESTDATA.resolve("models/sample-tampered"),
            "--public-key",
            TESTDATA.resolve("keys/signer.pub"));

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("DIGEST_MISMATCH: file 'config.json'");
  }

  @Test
  void digestOfTheSampleMatchesItsSignature() {
    Cli.Result r = Cli.run("digest", TESTDATA.resolve("models/sample"));

    assertThat(r.out().trim())
        .isEqualTo("sha256:4868e0ebcc809ef99eccda9f75d39c210bbc65365bb1643b0d2df90294d6a4da");
  }
}
