package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.CycloneDx;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fine-tuned model's BOM with {@code --policies}: its lineage (SLSA provenance naming its base,
 * whose own provenance names the original) becomes {@code pedigree.ancestors}, each base with its
 * own verification evidence, and the metrics of a verified evaluation attestation become the model
 * card's performance metrics, each marked with the identity that attested it. Models and
 * attestations are made with ModelGate's own sign and attest, as in LineageTest and
 * AttestationRulesTest.
 */
class BomLineageTest {
  static final String EVAL = "https://example.com/evaluation/v1";
  @TempDir Path tmp;
  Path releaseKey;
  Path releasePub;
  Path vendorKey;
  Path vendorPub;
  Path original;
  Path base;
  Path tuned;
  Path policies;

  @BeforeEach
  void setUp() throws Exception {
    KeyPair release = TestKeys.ec("secp256r1");
    KeyPair vendor = TestKeys.ec("secp256r1");
    releaseKey = TestKeys.writePem(tmp.resolve("release.key"), release.getPrivate());
    releasePub = TestKeys.writePem(tmp.resolve("release.pub"), release.getPublic());
    vendorKey = TestKeys.writePem(tmp.resolve("vendor.key"), vendor.getPrivate());
    vendorPub = TestKeys.writePem(tmp.resolve("vendor.pub"), vendor.getPublic());
    original = model("original", "pretrained weights", vendorKey);
    base = model("base", "instruction-tuned weights", vendorKey);
    tuned = model("tuned", "fine-tuned weights", releaseKey);
    provenance(base, vendorKey, original);
    provenance(tuned, releaseKey, base);
    policies = Files.createDirectories(tmp.resolve("policies"));
    String vendorPem = Files.readString(vendorPub).strip().replace("\n", "\n          ");
    Files.writeString(
        policies.resolve("p.yaml"),
        AdmissionHarness.keyPolicy("release", "Enforce", "file://**/tuned", releasePub, "")
                .replace(
                    "  authorities:\n",
                    "  authorities:\n    - name: vendor\n      key:\n        publicKey: |\n          "
                        + vendorPem
                        + "\n")
            + "  lineage: {maxDepth: 2, authorities: [vendor]}\n"
            + "  attestations:\n    - name: accuracy\n      predicateType: "
            + EVAL
            + "\n      authorities: [release-key]\n      condition: \"predicate.metrics.accuracy >= 0.9\"\n");
  }

  private Path model(String name, String weights, Path key) {
    Path dir =
        TestModels.write(tmp.resolve("models/" + name + "/model.safetensors"), weights).getParent();
    assertThat(Cli.run("sign", dir, "--private-key", key).exitCode()).isZero();
    return dir;
  }

  private static String digest(Path model) {
    return Cli.run("digest", model).out().trim();
  }

  private void provenance(Path of, Path key, Path from) {
    attest(
        of,
        key,
        "https://slsa.dev/provenance/v1",
        "{\"buildDefinition\": {\"buildType\": \"https://example.com/fine-tune/v1\", \"resolvedDependencies\": ["
            + "{\"uri\": \"file://"
            + from
            + "\", \"digest\": {\"sha256\": \""
            + digest(from).substring("sha256:".length())
            + "\"}}]}}");
  }

  /** Attests {@code of} and returns the bundle attest wrote (the one new file). */
  private Path attest(Path of, Path key, String type, String predicateJson) {
    Path predicate =
        TestModels.write(tmp.resolve("predicate-" + System.nanoTime() + ".json"), predicateJson);
    List<Path> before = attestations(of);
    Cli.Result r =
        Cli.run(
            "attest", of, "--predicate-type", type, "--predicate", predicate, "--private-key", key);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    List<Path> after = new ArrayList<>(attestations(of));
    after.removeAll(before);
    assertThat(after).hasSize(1);
    return after.get(0);
  }

  private static List<Path> attestations(Path model) {
    Path dir = model.resolveSibling(model.getFileName() + ".attestations");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(Path file) throws Exception {
    return "sha256:"
        + HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static JsonNode bomOf(Cli.Result r) {
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return CycloneDx.valid(r.out()).path("components").get(0);
  }

  @Test
  void lineageChainBecomesNestedAncestorsEachWithItsOwnEvidence() {
    attest(tuned, releaseKey, EVAL, "{\"metrics\": {\"accuracy\": 0.93}}");

    JsonNode c = bomOf(Cli.run("bom", tuned, "--policies", policies));

    assertThat(CycloneDx.one(c, "modelgate:verified")).isEqualTo("true");
    assertThat(CycloneDx.one(c, "modelgate:policy")).isEqualTo("ClusterModelPolicy/release");
    assertThat(CycloneDx.one(c, "modelgate:policy:ClusterModelPolicy/release:identity"))
        .startsWith("ClusterModelPolicy/release@0#");
    assertThat(CycloneDx.one(c, "modelgate:policy:ClusterModelPolicy/release:mode"))
        .isEqualTo("Enforce");
    assertThat(CycloneDx.one(c, "modelgate:policy:ClusterModelPolicy/release:authority"))
        .isEqualTo("release-key");
    assertThat(CycloneDx.one(c, "modelgate:policy:ClusterModelPolicy/release:attestationRule"))
        .isEqualTo("accuracy");
    JsonNode b = c.path("pedigree").path("ancestors").get(0);
    assertThat(c.path("pedigree").path("ancestors")).hasSize(1);
    assertThat(b.path("type").asText()).isEqualTo("machine-learning-model");
    assertThat(b.path("name").asText()).isEqualTo("base");
    assertThat(CycloneDx.hashes(b)).containsExactly("SHA-256:" + digest(base).substring(7));
    assertThat(CycloneDx.one(b, "modelgate:verified")).isEqualTo("true");
    assertThat(CycloneDx.one(b, "modelgate:lineage:depth")).isEqualTo("1");
    assertThat(CycloneDx.one(b, "modelgate:source")).isEqualTo("file://" + base);
    assertThat(CycloneDx.one(b, "modelgate:signer:identity"))
        .isNotEqualTo(CycloneDx.one(c, "modelgate:signer:identity"));
    assertThat(CycloneDx.one(b, "modelgate:policy:ClusterModelPolicy/release lineage:authority"))
        .isEqualTo("vendor");
    assertThat(CycloneDx.one(b, "modelgate:policy:ClusterModelPolicy/release lineage:trustRoot"))
        .isEqualTo("vendor (key)");
    assertThat(b.path("components")).hasSize(1);
    JsonNode o = b.path("pedigree").path("ancestors").get(0);
    assertThat(o.path("name").asText()).isEqualTo("original");
    assertThat(CycloneDx.one(o, "modelgate:lineage:depth")).isEqualTo("2");
    assertThat(CycloneDx.hashes(o)).containsExactly("SHA-256:" + digest(original).substring(7));
  }

  @Test
  void attestedMetricsBecomePerformanceMetricsMarkedWithWhoAttestedThem() throws Exception {
    Path eval =
        attest(
            tuned,
            releaseKey,
            EVAL,
            "{\"metrics\": {\"accuracy\": 0.93, \"f1\": 0.88, \"note\": {\"x\": 1}}}");
    Path detailed =
        attest(
            tuned,
            releaseKey,
            "https://example.com/benchmark/v1",
            "{\"metrics\": [{\"type\": \"exact_match\", \"value\": 0.71, \"slice\": \"MMLU\","
                + " \"confidenceInterval\": {\"lowerBound\": 0.69, \"upperBound\": 0.73}},"
                + " {\"type\": \"no value\"}]}");

    JsonNode c = bomOf(Cli.run("bom", tuned, "--policies", policies));

    JsonNode metrics = c.path("modelCard").path("quantitativeAnalysis").path("performanceMetrics");
    List<String> seen = new ArrayList<>();
    metrics.forEach(m -> seen.add(m.path("type").asText() + "=" + m.path("value").asText()));
    assertThat(seen).containsExactlyInAnyOrder("accuracy=0.93", "f1=0.88", "exact_match=0.71");
    JsonNode card = c.path("modelCard");
    String release = CycloneDx.one(c, "modelgate:signer:identity");
    for (int i = 0; i < metrics.size(); i++) {
      String at = "modelgate:performanceMetrics[" + i + "]:";
      assertThat(CycloneDx.one(card, at + "attestedBy")).isEqualTo(release);
      String bundle = CycloneDx.one(card, at + "attestation");
      String expected =
          metrics.get(i).path("type").asText().equals("exact_match")
              ? sha256(detailed)
              : sha256(eval);
      assertThat(bundle).isEqualTo(expected);
      assertThat(CycloneDx.one(c, "modelgate:attestation:" + bundle + ":signer:identity"))
          .isEqualTo(release);
    }
    JsonNode em = metrics.get(seen.indexOf("exact_match=0.71"));
    assertThat(em.path("slice").asText()).isEqualTo("MMLU");
    assertThat(em.path("confidenceInterval").path("lowerBound").asText()).isEqualTo("0.69");
    assertThat(CycloneDx.one(c, "modelgate:attestation:" + sha256(eval) + ":predicateType"))
        .isEqualTo(EVAL);
  }

  @Test
  void attestationSignedByAnUntrustedKeyAddsNoMetrics() {
    KeyPair stranger = TestKeys.ec("secp256r1");
    Path strangerKey = TestKeys.writePem(tmp.resolve("stranger.key"), stranger.getPrivate());
    attest(tuned, releaseKey, EVAL, "{\"metrics\": {\"accuracy\": 0.93}}");
    attest(
        tuned,
        strangerKey,
        "https://example.com/benchmark/v1",
        "{\"metrics\": {\"accuracy\": 0.99}}");

    JsonNode c = bomOf(Cli.run("bom", tuned, "--policies", policies));

    JsonNode metrics = c.path("modelCard").path("quantitativeAnalysis").path("performanceMetrics");
    assertThat(metrics).hasSize(1);
    assertThat(metrics.get(0).path("value").asText()).isEqualTo("0.93");
  }

  @Test
  void baseChangedSinceDerivationGivesNoBom() {
    attest(tuned, releaseKey, EVAL, "{\"metrics\": {\"accuracy\": 0.93}}");
    TestModels.write(base.resolve("model.safetensors"), "swapped base");
    Cli.run("sign", base, "--private-key", vendorKey);

    Cli.Result r = Cli.run("bom", tuned, "--policies", policies);

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("LINEAGE_INVALID: base model file://" + base);
  }

  @Test
  void trustFlagsFollowLineageOnlyWhenAskedAndWithTheSameTrust() {
    Path own = model("own-base", "own base weights", releaseKey);
    Path derived = model("derived", "derived weights", releaseKey);
    provenance(derived, releaseKey, own);

    JsonNode flat = bomOf(Cli.run("bom", derived, "--public-key", releasePub));
    JsonNode followed =
        bomOf(Cli.run("bom", derived, "--public-key", releasePub, "--lineage-depth", "1"));
    Cli.Result vendorBase =
        Cli.run("bom", tuned, "--public-key", releasePub, "--lineage-depth", "1");

    assertThat(flat.has("pedigree")).isFalse();
    assertThat(followed.path("pedigree").path("ancestors").get(0).path("name").asText())
        .isEqualTo("own-base");
    assertThat(vendorBase.exitCode()).isEqualTo(1);
    assertThat(vendorBase.err()).contains("LINEAGE_INVALID");
  }

  @Test
  void modelNoPolicyMatchesGivesNoBom() {
    Cli.Result r = Cli.run("bom", base, "--policies", policies);

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("NO_POLICY: no policy matches file://" + base);
  }

  @Test
  void metricsAreCappedSoAnAttestationCannotFloodTheCard() {
    StringBuilder many = new StringBuilder("{\"metrics\": {\"accuracy\": 0.95");
    for (int i = 0; i < 600; i++) {
      many.append(", \"m").append(i).append("\": ").append(i);
    }
    attest(tuned, releaseKey, EVAL, many.append("}}").toString());

    JsonNode c = bomOf(Cli.run("bom", tuned, "--policies", policies));

    assertThat(c.path("modelCard").path("quantitativeAnalysis").path("performanceMetrics"))
        .hasSize(512);
  }

  @Test
  void trustFlagOptionsWithPoliciesAreRefusedNotIgnored() {
    Cli.Result r = Cli.run("bom", tuned, "--policies", policies, "--ignore-unsigned-files");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("with --policies each policy decides");
  }
}
