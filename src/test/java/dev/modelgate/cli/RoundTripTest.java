package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.testing.Cli;
import dev.modelgate.testing.Fixtures;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import dev.modelgate.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** sign then verify, for every curve, hash and serialization, and for the certificate method. */
class RoundTripTest {
  @TempDir Path tmp;

  static Stream<Arguments> combinations() {
    List<Arguments> out = new ArrayList<>();
    for (String curve : List.of("secp256r1", "secp384r1", "secp521r1")) {
      for (String hash : List.of("sha256", "blake2b", "blake3")) {
        out.add(Arguments.of(curve, hash, null));
        out.add(Arguments.of(curve, hash, 4096L));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} shards={2}")
  @MethodSource("combinations")
  void signedModelVerifiesWithTheMatchingPublicKey(String curve, String hash, Long shardSize) {
    KeyPair keys = TestKeys.ec(curve);
    Path priv = TestKeys.writePem(tmp.resolve("k.pem"), keys.getPrivate());
    Path pub = TestKeys.writePem(tmp.resolve("k.pub"), keys.getPublic());
    Path model = TestModels.sample(tmp, "m");
    List<Object> sign =
        new ArrayList<>(List.of("sign", model, "--private-key", priv, "--hash-algorithm", hash));
    if (shardSize != null) {
      sign.addAll(List.of("--shard-size", shardSize));
    }

    Cli.Result signed = Cli.run(sign.toArray());
    Cli.Result verified = Cli.run("verify", model, "--public-key", pub, "--json");

    assertThat(signed.exitCode()).as(signed.toString()).isZero();
    assertThat(verified.exitCode()).as(verified.toString()).isZero();
    assertThat(verified.out()).contains("\"verified\" : true").contains("\"filesChecked\" : 5");
  }

  @Test
  void sec1PrivateKeyWithTextPreambleSigns(@TempDir Path keysDir) {
    Path model = TestModels.sample(tmp, "m");

    assertThat(Cli.run("sign", model, "--private-key", Fixtures.signingPrivateKey()).exitCode())
        .isZero();
    assertThat(Cli.run("verify", model, "--public-key", Fixtures.signingPublicKey()).exitCode())
        .isZero();
  }

  @Test
  void certificateMethodRoundTripsWithATestCaAndReportsTheSigner() {
    TestPki pki = new TestPki("roundtrip");
    KeyPair keys = TestKeys.ec("secp256r1");
    X509Certificate leaf =
        pki.leaf(
            keys,
            new TestPki.Leaf().subject("CN=release bot,O=Acme").email("release@acme.example"));
    Path priv = TestKeys.writePem(tmp.resolve("leaf.key"), keys.getPrivate());
    Path leafPem = TestKeys.writePem(tmp.resolve("leaf.pem"), leaf);
    Path intermediate = TestKeys.writePem(tmp.resolve("int.pem"), pki.intermediate);
    Path root = TestKeys.writePem(tmp.resolve("root.pem"), pki.root);
    Path model = TestModels.sample(tmp, "m");

    Cli.Result signed =
        Cli.run(
            "sign",
            model,
            "--private-key",
            priv,
            "--signing-certificate",
            leafPem,
            "--certificate-chain",
            intermediate);
    Cli.Result verified =
        Cli.run(
            "verify",
            model,
            "--certificate-chain",
            root,
            "--san-regexp",
            "release@acme\\.example",
            "--subject-regexp",
            ".*O=Acme.*",
            "--json");

    assertThat(signed.exitCode()).as(signed.toString()).isZero();
    assertThat(verified.exitCode()).as(verified.toString()).isZero();
    assertThat(verified.out())
        .contains("\"method\" : \"certificate\"")
        .contains("\"identity\" : \"O=Acme,CN=release bot\"")
        .contains("release@acme.example");
  }

  @Test
  void singleFileModelRoundTripsWithResourceNamedDot() throws Exception {
    KeyPair keys = TestKeys.ec("secp256r1");
    Path priv = TestKeys.writePem(tmp.resolve("k.pem"), keys.getPrivate());
    Path pub = TestKeys.writePem(tmp.resolve("k.pub"), keys.getPublic());
    Path file = TestModels.write(tmp.resolve("models/model.gguf"), "weights");

    assertThat(Cli.run("sign", file, "--private-key", priv).exitCode()).isZero();
    Cli.Result r = Cli.run("verify", file, "--public-key", pub);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(tmp.resolve("models/model.sig")).exists();
  }

  @Test
  void namesWithColonsAndNonAsciiSurviveShards() {
    KeyPair keys = TestKeys.ec("secp256r1");
    Path priv = TestKeys.writePem(tmp.resolve("k.pem"), keys.getPrivate());
    Path pub = TestKeys.writePem(tmp.resolve("k.pub"), keys.getPublic());
    Path model = TestModels.sample(tmp, "m");
    TestModels.write(model.resolve("a:1:2.bin"), new byte[10_000]);
    TestModels.write(model.resolve("données/модель.bin"), "bytes");

    assertThat(Cli.run("sign", model, "--private-key", priv, "--shard-size", "4096").exitCode())
        .isZero();
    Cli.Result r = Cli.run("verify", model, "--public-key", pub);

    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @Test
  void symlinkInsideTheModelVerifiesOnlyWhenAllowed() throws Exception {
    KeyPair keys = TestKeys.ec("secp256r1");
    Path priv = TestKeys.writePem(tmp.resolve("k.pem"), keys.getPrivate());
    Path pub = TestKeys.writePem(tmp.resolve("k.pub"), keys.getPublic());
    Path model = TestModels.sample(tmp, "m");
    Files.createSymbolicLink(model.resolve("alias.json"), model.resolve("config.json"));

    assertThat(Cli.run("sign", model, "--private-key", priv, "--allow-symlinks").exitCode())
        .isZero();

    assertThat(Cli.run("verify", model, "--public-key", pub, "--allow-symlinks").exitCode())
        .isZero();
    Cli.Result refused = Cli.run("verify", model, "--public-key", pub);
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err())
        .contains(
            "SYMLINK_REFUSED: 'alias.json' is a symbolic link and symbolic links are not allowed");
  }
}
