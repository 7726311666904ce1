package dev.modelgate.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelgate.core.Reason;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Curves are told apart by OID, not by size; a PEM file names exactly one key. */
class CurveAndPemTest {
  @TempDir Path tmp;

  /**
   * A public key on {@code curve}, made by openssl (JDK 17's SunEC no longer generates secp256k1).
   */
  private Path opensslPublicKey(String curve) throws Exception {
    Path priv = tmp.resolve(curve + ".key");
    Path pub = tmp.resolve(curve + ".pub");
    run("openssl", "ecparam", "-name", curve, "-genkey", "-noout", "-out", priv.toString());
    run("openssl", "ec", "-in", priv.toString(), "-pubout", "-out", pub.toString());
    return pub;
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"secp256k1", "brainpoolP256r1", "brainpoolP384r1"})
  void otherCurvesOfTheSameSizeAreUnsupportedKeys(String curve) throws Exception {
    Path pub = opensslPublicKey(curve);
    SignedModel signed = SignedModel.create(tmp);

    Cli.Result r = Cli.run("verify", signed.model, "--public-key", pub);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err())
        .contains("EC curve")
        .contains("is not supported; OMS keys use P-256, P-384 or P-521")
        .doesNotContain("SIGNATURE_INVALID");
  }

  @ParameterizedTest
  @ValueSource(strings = {"prime256v1", "secp384r1", "secp521r1"})
  void theThreeOmsCurvesAreRecognisedByOid(String curve) throws Exception {
    EcCurve c = EcCurve.of(PemReader.publicKey(opensslPublicKey(curve)));

    assertThat(c)
        .isEqualTo(
            switch (curve) {
              case "prime256v1" -> EcCurve.P256;
              case "secp384r1" -> EcCurve.P384;
              default -> EcCurve.P521;
            });
  }

  @Test
  void aPemWithTwoPublicKeysIsRefused() throws Exception {
    Path a = TestKeys.writePem(tmp.resolve("a.pub"), TestKeys.ec("secp256r1").getPublic());
    Path b = TestKeys.writePem(tmp.resolve("b.pub"), TestKeys.ec("secp256r1").getPublic());
    Path both = tmp.resolve("both.pub");
    Files.writeString(both, Files.readString(a) + Files.readString(b));

    assertThatThrownBy(() -> PemReader.publicKey(both))
        .hasFieldOrPropertyWithValue("reason", Reason.KEY_UNSUPPORTED)
        .hasMessageContaining("holds 2 keys; give exactly one");
  }
}
