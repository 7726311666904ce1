package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.Fixtures;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import java.nio.file.Path;
import java.util.Iterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes, help and the JSON contract of the CLI. */
class UsageTest {
  @TempDir Path tmp;

  @Test
  void helpExplainsTheCommandsAndExitsZero() {
    Cli.Result r = Cli.run("--help");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("verify")
        .contains("digest")
        .contains("sign")
        .contains("Exit codes");
  }

  @Test
  void verifyWithoutATrustMethodIsBadUsage() {
    Cli.Result r = Cli.run("verify", tmp);

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Error: Missing required argument").contains("--public-key");
  }

  @Test
  void verifyWithTwoTrustMethodsIsBadUsage() {
    Cli.Result r = Cli.run("verify", tmp, "--public-key", "a", "--certificate-chain", "b");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("mutually exclusive");
  }

  @Test
  void noCommandIsBadUsage() {
    assertThat(Cli.run().exitCode()).isEqualTo(2);
  }

  @Test
  void rsaPublicKeyIsRefusedAsUnsupported() {
    Path rsa = TestKeys.writePem(tmp.resolve("rsa.pub"), TestKeys.rsa().getPublic());

    Cli.Result r = Cli.run("verify", Fixtures.oms("v1.1.0-elliptic-key"), "--public-key", rsa);

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains("key type RSA is not supported; OMS keys are EC P-256, P-384 or P-521");
  }

  @Test
  void publicKeyFileWithoutAKeyIsBadInput() {
    Cli.Result r =
        Cli.run(
            "verify",
            Fixtures.oms("v1.1.0-elliptic-key"),
            "--public-key",
            Fixtures.caCert().resolveSibling("nonexistent.pem"));

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("does not exist");
  }

  @Test
  void badIdentityRegularExpressionIsBadInput() {
    Cli.Result r =
        Cli.run(
            "verify",
            Fixtures.oms("v1.1.0-certificate"),
            "--certificate-chain",
            Fixtures.caCert(),
            "--san-regexp",
            "([");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("the SAN regular expression '([' does not compile");
  }

  @Test
  void jsonResultHasASchemaVersionAndOnlyCamelCaseKeys() throws Exception {
    SignedModel signed = SignedModel.create(tmp);
    TestModels.write(signed.model.resolve("new.txt"), "x");

    Cli.Result r = signed.verify("--json");

    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertThat(doc.get("schemaVersion").asText()).isEqualTo("modelgate.dev/verify-result/v1");
    assertThat(doc.get("verified").asBoolean()).isFalse();
    assertThat(doc.at("/failures/0/reason").asText()).isEqualTo("UNSIGNED_FILE");
    assertThat(doc.at("/failures/0/subject").asText()).isEqualTo("new.txt");
    assertCamelCase(doc);
  }

  private static void assertCamelCase(JsonNode node) {
    if (node.isObject()) {
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        assertThat(k).matches("[a-z][a-zA-Z0-9]*");
        assertCamelCase(node.get(k));
      }
    } else if (node.isArray()) {
      node.forEach(UsageTest::assertCamelCase);
    }
  }
}
