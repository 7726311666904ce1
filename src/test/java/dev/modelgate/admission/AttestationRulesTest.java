package dev.modelgate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.oms.BundleWriter;
import dev.modelgate.oms.DsseEnvelope;
import dev.modelgate.oms.Pae;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import dev.modelgate.trust.PublicKeyHint;
import dev.modelgate.verify.LocalAttestations;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Models must be signed by the release key, carry an evaluation attestation with accuracy >= 0.9
 * signed by CI, and contain no pickle files": each clause enforced with its own reason.
 */
class AttestationRulesTest {
  static final String EVAL = "https://example.com/evaluation/v1";
  @TempDir Path tmp;
  SignedModel signed;
  KeyPair ci;
  Path ciKey;
  Path ciPub;
  AdmissionHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    ci = TestKeys.ec("secp256r1");
    ciKey = TestKeys.writePem(tmp.resolve("ci.key"), ci.getPrivate());
    ciPub = TestKeys.writePem(tmp.resolve("ci.pub"), ci.getPublic());
    harness = new AdmissionHarness(tmp);
    policy(
        "predicate.metrics.accuracy >= 0.9",
        "  files:\n    deny: ['**/*.pkl', '**/*.pickle']\n    require: ['**/*.safetensors']\n");
  }

  private void policy(String condition, String extra) throws Exception {
    String ciPem = Files.readString(ciPub).strip().replace("\n", "\n          ");
    String yaml =
        AdmissionHarness.keyPolicy(
                "release",
                "Enforce",
                "file://**",
                signed.publicKey,
                extra
                    + "  attestations:\n    - name: accuracy\n      predicateType: "
                    + EVAL
                    + "\n      authorities: [ci]\n      condition: \""
                    + condition.replace("\"", "\\\"")
                    + "\"\n")
            .replace("  signatures", "  signatures")
            .replace(
                "  authorities:\n",
                "  authorities:\n    - name: ci\n      key:\n        publicKey: |\n          "
                    + ciPem
                    + "\n");
    harness.policy("p.yaml", yaml);
  }

  private Cli.Result attest(Path model, Path key, String predicateJson) {
    Path predicate =
        TestModels.write(tmp.resolve("predicate-" + System.nanoTime() + ".json"), predicateJson);
    return Cli.run(
        "attest", model, "--predicate-type", EVAL, "--predicate", predicate, "--private-key", key);
  }

  private AdmissionOutcome review() {
    return harness.review(
        AdmissionHarness.create(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ml\n  annotations:\n    model.modelgate.dev/llm: file://"
                + signed.model
                + "\nspec:\n  containers: [{name: s, image: s}]\n"));
  }

  @Test
  void everyClauseHoldsAndTheAnswerNamesTheAttestation() {
    assertThat(attest(signed.model, ciKey, "{\"metrics\": {\"accuracy\": 0.93}}").exitCode())
        .isZero();

    AdmissionOutcome o = review();

    assertThat(o.allowed()).as(o.message()).isTrue();
    assertThat(o.verdicts())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.attestations()).containsExactly("accuracy");
              assertThat(v.authorities()).contains("release-key");
            });
    assertThat(LocalAttestations.directoryFor(signed.model)).isDirectory();
  }

  @Test
  void conditionThatIsFalseDenies() {
    attest(signed.model, ciKey, "{\"metrics\": {\"accuracy\": 0.5}}");

    AdmissionOutcome o = review();

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("ATTESTATION_FAILED: attestation 'accuracy' (" + EVAL + ") does not hold")
        .contains("condition 'predicate.metrics.accuracy >= 0.9' is false");
  }

  @Test
  void missingAttestationDenies() {
    AdmissionOutcome o = review();

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains(
            "ATTESTATION_MISSING: attestation 'accuracy': none of type "
                + EVAL
                + " found for this model");
  }

  @Test
  void attestationAboutAnotherModelDenies() throws Exception {
    Path other = TestModels.sample(tmp, "other");
    TestModels.write(other.resolve("another.bin"), "a different model");
    attest(other, ciKey, "{\"metrics\": {\"accuracy\": 0.99}}");
    Path dir = Files.createDirectories(LocalAttestations.directoryFor(signed.model));
    try (var files = Files.list(LocalAttestations.directoryFor(other))) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }

    AdmissionOutcome o = review();

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("is about another subject");
  }

  @Test
  void attestationSignedByAnAuthorityNotAllowedForItDenies() {
    attest(signed.model, signed.privateKey, "{\"metrics\": {\"accuracy\": 0.99}}");

    AdmissionOutcome o = review();

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("is signed by [release-key], not by one of [ci]");
  }

  @Test
  void predicateThatDoesNotParseDenies() throws Exception {
    byte[] payload =
        "{\"_type\": \"https://in-toto.io/Statement/v1\", \"predicateType\": \""
            .concat(EVAL)
            .concat("\", \"predicate\": ")
            .getBytes(StandardCharsets.UTF_8);
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(ci.getPrivate());
    s.update(Pae.encode(DsseEnvelope.IN_TOTO_PAYLOAD_TYPE, payload));
    Path dir = Files.createDirectories(LocalAttestations.directoryFor(signed.model));
    Files.write(
        dir.resolve("broken.json"),
        BundleWriter.withPublicKeyHint(PublicKeyHint.of(ci.getPublic()), payload, s.sign()));

    AdmissionOutcome o = review();

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("ATTESTATION_")
        .contains("attestation statement is not valid JSON");
  }

  @Test
  void conditionThatErrorsAtRuntimeDeniesWithTheError() throws Exception {
    policy("predicate.metrics.f1 >= 0.9", "");
    attest(signed.model, ciKey, "{\"metrics\": {\"accuracy\": 0.93}}");

    AdmissionOutcome o = review();

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("condition failed to evaluate").contains("f1");
  }

  @Test
  void conditionThatDoesNotCompileMakesThePolicyInvalid() throws Exception {
    policy("predicate.metrics.accuracy >=", "");

    AdmissionOutcome o = review();

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("POLICY_INVALID").contains("condition does not compile");
  }

  @Test
  void conditionOfTheWrongTypeMakesThePolicyInvalid() throws Exception {
    policy("predicate.metrics.accuracy + 1", "");

    assertThat(review().message())
        .contains("POLICY_INVALID")
        .contains("condition does not compile");
  }

  @Test
  void slsaBuilderAndDatasetAllowListConditions() throws Exception {
    policy(
        "predicate.runDetails.builder.id.startsWith('https://github.com/acme/') && predicate.datasets.all(d, d in ['wikipedia', 'c4']) && model.files.exists(f, f.endsWith('.safetensors'))",
        "");
    attest(
        signed.model,
        ciKey,
        "{\"runDetails\": {\"builder\": {\"id\": \"https://github.com/acme/train/.github/workflows/train.yml\"}}, \"datasets\": [\"wikipedia\", \"c4\"]}");

    assertThat(review().allowed()).as(review().message()).isTrue();

    Files.walk(LocalAttestations.directoryFor(signed.model))
        .filter(Files::isRegularFile)
        .forEach(f -> f.toFile().delete());
    attest(
        signed.model,
        ciKey,
        "{\"runDetails\": {\"builder\": {\"id\": \"https://github.com/acme/train\"}}, \"datasets\": [\"wikipedia\", \"scraped-web\"]}");

    assertThat(review().allowed()).isFalse();
  }

  @Test
  void signedPickleFileIsDeniedAndAMissingRequiredFormatToo() throws Exception {
    attest(signed.model, ciKey, "{\"metrics\": {\"accuracy\": 0.93}}");
    TestModels.write(signed.model.resolve("weights/model.pkl"), "pickle");
    Files.delete(signed.model.resolve("model.safetensors"));
    Cli.run("sign", signed.model, "--private-key", signed.privateKey);
    Files.walk(LocalAttestations.directoryFor(signed.model))
        .filter(Files::isRegularFile)
        .forEach(f -> f.toFile().delete());
    attest(signed.model, ciKey, "{\"metrics\": {\"accuracy\": 0.93}}");

    AdmissionOutcome o = review();

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("FILE_DENIED: signed file 'weights/model.pkl' matches denied pattern '**/*.pkl'")
        .contains("FILE_REQUIRED: no signed file matches required pattern '**/*.safetensors'");
  }
}
