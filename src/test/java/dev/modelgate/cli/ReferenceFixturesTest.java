package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.Fixtures;
import dev.modelgate.testing.TestKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The signatures made by the reference implementation (shared/fixtures/oms, index.json) verify with
 * the parameters its README gives, through the CLI.
 */
class ReferenceFixturesTest {

  static Stream<Arguments> keyAndCertificateFixtures() throws IOException {
    JsonNode index = new ObjectMapper().readTree(Fixtures.oms("index.json").toFile());
    List<Arguments> out = new ArrayList<>();
    for (JsonNode m : index.get("signedModels")) {
      String method = m.get("method").asText();
      if (method.equals("sigstore")) {
        continue;
      }
      List<Object> args = new ArrayList<>();
      args.add("verify");
      args.add(Fixtures.oms(m.get("verifyTarget").asText()));
      args.add("--signature");
      args.add(Fixtures.oms(m.get("signatureFile").asText()));
      JsonNode v = m.get("verifyArgs");
      if (v.has("certificateChain")) {
        args.add("--certificate-chain");
        v.get("certificateChain").forEach(c -> args.add(Fixtures.oms(c.asText())));
      }
      if (v.has("publicKey")) {
        args.add("--public-key");
        args.add(Fixtures.oms(v.get("publicKey").asText()));
      }
      if (v.has("ignorePaths")) {
        args.add("--ignore-paths");
        v.get("ignorePaths")
            .forEach(c -> args.add(Fixtures.oms(m.get("dir").asText()).resolve(c.asText())));
      }
      out.add(Arguments.of(m.get("dir").asText(), args));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keyAndCertificateFixtures")
  void referenceSignatureVerifies(String name, List<Object> args) {
    Cli.Result r = Cli.run(args.toArray());

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err()).contains("Verified");
  }

  @Test
  void allNineKeyAndCertificateFixturesAreCovered() throws IOException {
    assertThat(keyAndCertificateFixtures()).hasSize(9);
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1.0.1-certificate", "v1.0.1-elliptic-key"})
  void v101FixturesFailWithoutIgnorePathsBecauseIgnoreMeIsUnsigned(String dir) {
    Object[] trust =
        dir.endsWith("certificate")
            ? new Object[] {"--certificate-chain", Fixtures.caCert()}
            : new Object[] {"--public-key", Fixtures.signingPublicKey()};

    Cli.Result r = Cli.run(concat(new Object[] {"verify", Fixtures.oms(dir)}, trust));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("UNSIGNED_FILE: file 'ignore-me' is not covered by the signature");
  }

  @Test
  void v020LegacyPredicateVerifiesWithItsPaeQuirk() {
    Cli.Result r =
        Cli.run(
            "verify",
            Fixtures.oms("v0.2.0-certificate"),
            "--certificate-chain",
            Fixtures.caCert(),
            "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains(
            "\"rootDigest\" : \"sha256:61d4849d9d90076d6215f4d525f13d6574af8e3f67aef3e6f36fc40a14fdd226\"");
  }

  @Test
  void certificateBundleIsRefusedByTheKeyMethodUnlikeTheReference() {
    Cli.Result r =
        Cli.run(
            "verify",
            Fixtures.oms("v1.0.0-certificate"),
            "--public-key",
            Fixtures.signingPublicKey());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .contains(
            "VERIFICATION_MATERIAL_MISMATCH: bundle carries x509CertificateChain material, but a public key was given");
  }

  @Test
  void intermediateAloneIsRefusedAsTrustAnchorConfiguration() {
    Cli.Result r =
        Cli.run(
            "verify",
            Fixtures.oms("v1.1.0-certificate"),
            "--certificate-chain",
            Fixtures.intermediateCert());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("needs a self-signed root CA as trust anchor");
  }

  @Test
  void keyFixtureFailsWithAnotherKeyAndNamesBothHints(@TempDir Path tmp) {
    Path other = TestKeys.writePem(tmp.resolve("other.pub"), TestKeys.ec("secp384r1").getPublic());

    Cli.Result r = Cli.run("verify", Fixtures.oms("v1.1.0-elliptic-key"), "--public-key", other);

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .contains(
            "KEY_MISMATCH: bundle was signed by the key with hint e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e")
        .contains("SIGNATURE_INVALID");
  }

  static Object[] concat(Object[] a, Object[] b) {
    Object[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
