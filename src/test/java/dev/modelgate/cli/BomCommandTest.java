package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.CycloneDx;
import dev.modelgate.testing.Fixtures;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modelgate bom} on models signed by each OMS method (the project's key-signed and
 * certificate-signed samples, the reference implementation's certificate fixture and a real
 * public-good keyless signature): each BOM is valid CycloneDX 1.6 and carries the verification
 * evidence; a model that does not verify gives no BOM.
 */
class BomCommandTest {
  static final Path TESTDATA = Path.of("testdata");
  @TempDir Path tmp;

  private static JsonNode model(Cli.Result r) {
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode bom = CycloneDx.valid(r.out());
    assertThat(bom.path("specVersion").asText()).isEqualTo("1.6");
    assertThat(bom.path("components")).hasSize(1);
    JsonNode c = bom.path("components").get(0);
    assertThat(c.path("type").asText()).isEqualTo("machine-learning-model");
    return c;
  }

  private static String sha256(Path file) throws Exception {
    return "sha256:"
        + HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  @Test
  void keySignedModelGetsItsRootDigestFilesAndSignerEvidence() throws Exception {
    Path sample = TESTDATA.resolve("models/sample");
    String root = Cli.run("digest", sample).out().trim();

    JsonNode c = model(Cli.run("bom", sample, "--public-key", TESTDATA.resolve("keys/signer.pub")));

    assertThat(c.path("name").asText()).isEqualTo("sample");
    assertThat(CycloneDx.hashes(c)).containsExactly("SHA-256:" + root.substring(7));
    assertThat(CycloneDx.one(c, "modelgate:verified")).isEqualTo("true");
    assertThat(CycloneDx.one(c, "modelgate:digest:omsRoot")).isEqualTo(root);
    assertThat(CycloneDx.one(c, "modelgate:signer:method")).isEqualTo("key");
    assertThat(CycloneDx.one(c, "modelgate:signature:bundleDigest"))
        .isEqualTo(sha256(sample.resolve("model.sig")));
    assertThat(CycloneDx.one(c, "modelgate:policy")).isEqualTo("(command line)");
    assertThat(CycloneDx.one(c, "modelgate:policy:(command line):trustRoot"))
        .startsWith("public key ")
        .isEqualTo("public key " + CycloneDx.one(c, "modelgate:signer:identity"));
    assertThat(CycloneDx.one(c, "modelgate:verification:time")).matches("\\d{4}-.*Z");
    List<String> files = new ArrayList<>();
    for (JsonNode f : c.path("components")) {
      assertThat(f.path("type").asText()).isEqualTo("file");
      assertThat(CycloneDx.hashes(f))
          .containsExactly(
              "SHA-256:" + sha256(sample.resolve(f.path("name").asText())).substring(7));
      assertThat(CycloneDx.one(f, "modelgate:verified")).isEqualTo("true");
      files.add(f.path("name").asText());
    }
    assertThat(files).contains("config.json").doesNotContain("model.sig");
  }

  @Test
  void noFilesLeavesTheFileComponentsOutAndOutputWritesTheFile() throws Exception {
    Path out = tmp.resolve("bom.json");

    Cli.Result r =
        Cli.run(
            "bom",
            TESTDATA.resolve("models/sample"),
            "--public-key",
            TESTDATA.resolve("keys/signer.pub"),
            "--no-files",
            "--name",
            "llm",
            "--model-version",
            "1.2",
            "--purl",
            "pkg:huggingface/acme/llm@0123456789abcdef0123456789abcdef01234567",
            "--output",
            out);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEmpty();
    JsonNode c = CycloneDx.valid(Files.readString(out)).path("components").get(0);
    assertThat(c.has("components")).isFalse();
    assertThat(c.path("name").asText()).isEqualTo("llm");
    assertThat(c.path("version").asText()).isEqualTo("1.2");
    assertThat(c.path("purl").asText())
        .isEqualTo("pkg:huggingface/acme/llm@0123456789abcdef0123456789abcdef01234567");
  }

  @Test
  void certificateSignedModelNamesTheCertificateSubjectAndTheAuthority() {
    JsonNode c =
        model(
            Cli.run(
                "bom",
                TESTDATA.resolve("models/sample-cert"),
                "--certificate-chain",
                TESTDATA.resolve("keys/root.pem"),
                "--san-regexp",
                "release@modelgate\\.test"));

    assertThat(CycloneDx.one(c, "modelgate:signer:method")).isEqualTo("certificate");
    assertThat(CycloneDx.property(c, "modelgate:signer:san")).contains("release@modelgate.test");
    assertThat(CycloneDx.one(c, "modelgate:policy:(command line):trustRoot"))
        .startsWith("certificate authorities ")
        .contains(" sha256:")
        .endsWith("SAN ~ release@modelgate\\.test");
  }

  @Test
  void referenceCertificateFixtureGetsABom() {
    JsonNode c =
        model(
            Cli.run(
                "bom",
                Fixtures.oms("v1.1.0-certificate"),
                "--certificate-chain",
                Fixtures.caCert()));

    assertThat(CycloneDx.one(c, "modelgate:signer:method")).isEqualTo("certificate");
    assertThat(c.path("components")).hasSize(2);
  }

  @Test
  void realKeylessSignatureGetsIssuerIdentityAndLoggedTime() {
    Path model = Fixtures.oms("v1.1.0-sigstore");

    JsonNode c =
        model(
            Cli.run(
                "bom",
                model,
                "--identity",
                "stefanb@us.ibm.com",
                "--identity-provider",
                "https://sigstore.verify.ibm.com/oauth2",
                "--ignore-paths",
                model.resolve("ignore-me")));

    assertThat(CycloneDx.one(c, "modelgate:signer:method")).isEqualTo("keyless");
    assertThat(CycloneDx.one(c, "modelgate:signer:identity")).isEqualTo("stefanb@us.ibm.com");
    assertThat(CycloneDx.one(c, "modelgate:signer:issuer"))
        .isEqualTo("https://sigstore.verify.ibm.com/oauth2");
    assertThat(CycloneDx.one(c, "modelgate:signer:time")).startsWith("2025-10-10T");
    assertThat(CycloneDx.one(c, "modelgate:policy:(command line):trustRoot"))
        .isEqualTo(
            "Sigstore public-good trusted root (embedded); identity stefanb@us.ibm.com, issuer https://sigstore.verify.ibm.com/oauth2");
  }

  @Test
  void tamperedModelGetsNoBomAndExitsOneWithTheFailure() {
    Path out = tmp.resolve("bom.json");

    Cli.Result r =
        Cli.run(
            "bom",
            TESTDATA.resolve("models/sample-tampered"),
            "--public-key",
            TESTDATA.resolve("keys/signer.pub"),
            "--output",
            out);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(out).doesNotExist();
    assertThat(r.err())
        .contains("DIGEST_MISMATCH: file 'config.json' has sha256:")
        .contains("No BOM written");
  }

  @Test
  void unverifiedWritesABomThatSaysSoInEveryComponent() {
    Cli.Result r =
        Cli.run(
            "bom",
            TESTDATA.resolve("models/sample-tampered"),
            "--public-key",
            TESTDATA.resolve("keys/signer.pub"),
            "--unverified");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    JsonNode c = CycloneDx.valid(r.out()).path("components").get(0);
    assertThat(CycloneDx.one(c, "modelgate:verified")).isEqualTo("false");
    assertThat(CycloneDx.property(c, "modelgate:verification:failure"))
        .anyMatch(f -> f.startsWith("DIGEST_MISMATCH: file 'config.json'"));
    assertThat(c.path("components")).isNotEmpty();
    c.path("components")
        .forEach(f -> assertThat(CycloneDx.one(f, "modelgate:verified")).isEqualTo("false"));
  }

  @Test
  void wrongKeyGivesNoBom() {
    Cli.Result r =
        Cli.run(
            "bom",
            Fixtures.oms("v1.1.0-elliptic-key"),
            "--public-key",
            TESTDATA.resolve("keys/signer.pub"));

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void missingModelAndMissingTrustAreBadUsage() {
    assertThat(
            Cli.run("bom", tmp.resolve("nope"), "--public-key", TESTDATA.resolve("keys/signer.pub"))
                .exitCode())
        .isEqualTo(2);
    assertThat(Cli.run("bom", TESTDATA.resolve("models/sample")).exitCode()).isEqualTo(2);
    assertThat(
            Cli.run(
                    "bom",
                    TESTDATA.resolve("models/sample"),
                    "--public-key",
                    TESTDATA.resolve("keys/signer.pub"),
                    "--purl",
                    "not a purl")
                .exitCode())
        .isEqualTo(2);
  }

  @Test
  void blake3SignedModelKeepsItsAlgorithmInItsFileHashes() {
    SignedModel m = SignedModel.create(tmp, "--hash-algorithm", "blake3");

    JsonNode c = model(Cli.run("bom", m.model, "--public-key", m.publicKey));

    // The root digest, the signature's subject, is SHA-256 whatever the files were hashed with.
    assertThat(CycloneDx.hashes(c)).singleElement().asString().startsWith("SHA-256:");
    c.path("components")
        .forEach(
            f -> assertThat(CycloneDx.hashes(f)).singleElement().asString().startsWith("BLAKE3:"));
  }

  @Test
  void shardedSignatureListsEachFileOnceWithItsShards() {
    SignedModel m = SignedModel.create(tmp, "--shard-size", "30000");

    JsonNode c = model(Cli.run("bom", m.model, "--public-key", m.publicKey));

    List<String> names = new ArrayList<>();
    c.path("components").forEach(f -> names.add(f.path("name").asText()));
    assertThat(names).doesNotHaveDuplicates();
    JsonNode big = null;
    for (JsonNode f : c.path("components")) {
      if (CycloneDx.property(f, "modelgate:shard").size() > 1) {
        big = f;
      }
    }
    assertThat(big).as("a file larger than one shard").isNotNull();
    assertThat(big.has("hashes")).isFalse();
    assertThat(CycloneDx.property(big, "modelgate:shard").get(0))
        .matches("0-30000 sha256:[0-9a-f]{64}");
  }

  @Test
  void unsignedModelWithUnverifiedStillGivesAValidBomThatSaysWhy() {
    Path unsigned = TestModels.sample(tmp, "unsigned");

    Cli.Result r =
        Cli.run(
            "bom", unsigned, "--public-key", TESTDATA.resolve("keys/signer.pub"), "--unverified");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    JsonNode c = CycloneDx.valid(r.out()).path("components").get(0);
    assertThat(c.path("name").asText()).isEqualTo("unsigned");
    assertThat(CycloneDx.one(c, "modelgate:verified")).isEqualTo("false");
    assertThat(CycloneDx.one(c, "modelgate:verification:failure")).startsWith("NOT_FOUND: ");
    assertThat(c.has("hashes")).isFalse();
    assertThat(c.has("components")).isFalse();
  }
}
