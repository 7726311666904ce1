package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docs/policies.md policy, all through the CLI: release-key signature, lineage from a vendor's
 * base, an evaluation attestation signed by CI, no pickle files. `check --json` lists the signer,
 * the attestations that held and the lineage chain; breaking each clause denies with its reason.
 */
class OnePolicyEndToEndTest {
  @TempDir Path tmp;
  Path release;
  Path vendor;
  Path ci;
  Path base;
  Path tuned;
  Path policies;
  Path workload;

  @BeforeEach
  void setUp() throws Exception {
    release = key("release");
    vendor = key("vendor");
    ci = key("ci");
    base = TestModels.write(tmp.resolve("models/base/model.safetensors"), "base").getParent();
    tuned = TestModels.write(tmp.resolve("models/tuned/model.safetensors"), "tuned").getParent();
    run("sign", base, "--private-key", vendor.resolveSibling("vendor.key"));
    run("sign", tuned, "--private-key", release.resolveSibling("release.key"));
    String baseDigest = Cli.run("digest", base).out().trim().substring(7);
    attest(
        "https://slsa.dev/provenance/v1",
        "{\"buildDefinition\": {\"resolvedDependencies\": [{\"uri\": \"file://"
            + base
            + "\", \"digest\": {\"sha256\": \""
            + baseDigest
            + "\"}}]}}",
        "release.key");
    attest("https://example.com/evaluation/v1", "{\"metrics\": {\"accuracy\": 0.92}}", "ci.key");
    policies = Files.createDirectories(tmp.resolve("policies"));
    Files.writeString(
        policies.resolve("prod.yaml"),
        "apiVersion: modelgate.dev/v1alpha1\nkind: ClusterModelPolicy\nmetadata: {name: prod-models}\nspec:\n"
            + "  match: {models: ['file://**']}\n  authorities:\n"
            + authority("release-key", release)
            + authority("vendor-y", vendor)
            + authority("ci", ci)
            + "  files: {deny: ['**/*.pkl'], require: ['**/*.safetensors']}\n"
            + "  attestations:\n    - {name: accuracy, predicateType: 'https://example.com/evaluation/v1', authorities: [ci], condition: 'predicate.metrics.accuracy >= 0.9'}\n"
            + "  lineage: {maxDepth: 2, authorities: [vendor-y]}\n");
    workload =
        TestModels.write(
            tmp.resolve("pod.yaml"),
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: llm\n  namespace: prod\n  annotations:\n    model.modelgate.dev/llm: file://"
                + tuned
                + "\nspec:\n  containers: [{name: s, image: s}]\n");
  }

  private Path key(String name) {
    var k = TestKeys.ec("secp256r1");
    TestKeys.writePem(tmp.resolve(name + ".key"), k.getPrivate());
    return TestKeys.writePem(tmp.resolve(name + ".pub"), k.getPublic());
  }

  private static String authority(String name, Path pub) throws Exception {
    return "    - name: "
        + name
        + "\n      key:\n        publicKey: |\n          "
        + Files.readString(pub).strip().replace("\n", "\n          ")
        + "\n";
  }

  private void attest(String type, String predicate, String key) {
    Path p = TestModels.write(tmp.resolve("pred-" + System.nanoTime() + ".json"), predicate);
    run(
        "attest",
        tuned,
        "--predicate-type",
        type,
        "--predicate",
        p,
        "--private-key",
        tmp.resolve(key));
  }

  private static void run(Object... args) {
    Cli.Result r = Cli.run(args);
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @Test
  void everyClauseHoldsAndTheDecisionListsSignerAttestationsAndLineage() throws Exception {
    Cli.Result r = Cli.run("check", "--policies", policies, workload, "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode v = new ObjectMapper().readTree(r.out()).at("/workloads/0/verdicts/0");
    assertThat(v.get("passed").asBoolean()).isTrue();
    assertThat(v.at("/signer/method").asText()).isEqualTo("key");
    assertThat(v.get("authorities").toString()).contains("release-key");
    assertThat(v.get("attestations").toString()).isEqualTo("[\"accuracy\"]");
    assertThat(v.get("lineage").get(0).asText()).startsWith("depth 1: file://" + base);
  }

  @Test
  void eachBrokenClauseDeniesWithItsReason() throws Exception {
    TestModels.write(tuned.resolve("legacy.pkl"), "pickle");
    run("sign", tuned, "--private-key", tmp.resolve("release.key"));

    Cli.Result r = Cli.run("check", "--policies", policies, workload);

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .contains("FILE_DENIED: signed file 'legacy.pkl' matches denied pattern '**/*.pkl'")
        .contains("ATTESTATION_FAILED")
        .contains("LINEAGE_INVALID")
        .contains("is about another subject");
  }
}
