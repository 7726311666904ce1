package dev.modelgate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Derived only from base models signed by vendor Y": a fine-tuned model's SLSA provenance names
 * its base by URI and digest; the base is verified against the lineage authorities and followed.
 */
class LineageTest {
  @TempDir Path tmp;
  Path releaseKey;
  Path releasePub;
  Path vendorKey;
  Path vendorPub;
  Path base;
  Path tuned;
  AdmissionHarness harness;

  @BeforeEach
  void setUp() {
    KeyPair release = TestKeys.ec("secp256r1");
    KeyPair vendor = TestKeys.ec("secp256r1");
    releaseKey = TestKeys.writePem(tmp.resolve("release.key"), release.getPrivate());
    releasePub = TestKeys.writePem(tmp.resolve("release.pub"), release.getPublic());
    vendorKey = TestKeys.writePem(tmp.resolve("vendor.key"), vendor.getPrivate());
    vendorPub = TestKeys.writePem(tmp.resolve("vendor.pub"), vendor.getPublic());
    base = model("base", "base weights", vendorKey);
    tuned = model("tuned", "fine-tuned weights", releaseKey);
    harness = new AdmissionHarness(tmp);
    policy(1, "");
  }

  private Path model(String name, String weights, Path key) {
    Path dir =
        TestModels.write(tmp.resolve("models/" + name + "/model.safetensors"), weights).getParent();
    assertThat(Cli.run("sign", dir, "--private-key", key).exitCode()).isZero();
    return dir;
  }

  private String digest(Path model) {
    return Cli.run("digest", model).out().trim().substring("sha256:".length());
  }

  private void provenance(Path of, Path key, Path baseModel, String digestHex) {
    Path predicate =
        TestModels.write(
            tmp.resolve("prov-" + System.nanoTime() + ".json"),
            "{\"buildDefinition\": {\"buildType\": \"https://example.com/fine-tune/v1\", \"resolvedDependencies\": ["
                + "{\"uri\": \"file://"
                + baseModel
                + "\", \"digest\": {\"sha256\": \""
                + digestHex
                + "\"}},"
                + "{\"uri\": \"git+https://example.com/recipes\", \"digest\": {\"gitCommit\": \"abc\"}}]}}");
    Cli.Result r =
        Cli.run(
            "attest",
            of,
            "--predicate-type",
            "https://slsa.dev/provenance/v1",
            "--predicate",
            predicate,
            "--private-key",
            key);
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  private void policy(int depth, String extra) {
    try {
      String vendor = Files.readString(vendorPub).strip().replace("\n", "\n          ");
      harness.policy(
          "p.yaml",
          AdmissionHarness.keyPolicy("lineage", "Enforce", "file://**/tuned", releasePub, extra)
                  .replace(
                      "  authorities:\n",
                      "  authorities:\n    - name: vendor\n      key:\n        publicKey: |\n          "
                          + vendor
                          + "\n")
              + "  lineage: {maxDepth: "
              + depth
              + ", authorities: [vendor]}\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private AdmissionOutcome review() {
    return harness.review(
        AdmissionHarness.create(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ml\n  annotations:\n    model.modelgate.dev/tuned: file://"
                + tuned
                + "\nspec:\n  containers: [{name: s, image: s}]\n"));
  }

  @Test
  void baseSignedByTheVendorIsVerifiedAndTheChainReported() {
    provenance(tuned, releaseKey, base, digest(base));

    AdmissionOutcome o = review();

    assertThat(o.allowed()).as(o.message()).isTrue();
    assertThat(o.verdicts())
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.lineage())
                    .singleElement()
                    .asString()
                    .startsWith(
                        "depth 1: file://"
                            + base
                            + " sha256:"
                            + digest(base)
                            + " signed by sha256:"));
  }

  @Test
  void modelWithoutProvenanceCannotSkipTheLineageClause() {
    AdmissionOutcome o = review();

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("LINEAGE_INVALID: no provenance");
  }

  @Test
  void baseChangedSinceDerivationIsDenied() {
    String before = digest(base);
    provenance(tuned, releaseKey, base, before);
    TestModels.write(base.resolve("model.safetensors"), "swapped base");
    Cli.run("sign", base, "--private-key", vendorKey);

    AdmissionOutcome o = review();

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains(
            "LINEAGE_INVALID: base model file://"
                + base
                + " (sha256:"
                + before
                + "): provenance says it was derived from sha256:"
                + before
                + ", but that model now is sha256:");
  }

  @Test
  void baseNotSignedByTheVendorIsDenied() {
    Path impostor = model("impostor", "other weights", releaseKey);
    provenance(tuned, releaseKey, impostor, digest(impostor));

    AdmissionOutcome o = review();

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("LINEAGE_INVALID: base model file://" + impostor)
        .contains("does not verify");
  }

  @Test
  void chainDeeperThanAllowedIsDenied() {
    Path grandparent = model("grandparent", "original weights", vendorKey);
    provenance(base, vendorKey, grandparent, digest(grandparent));
    provenance(tuned, releaseKey, base, digest(base));

    AdmissionOutcome o = review();
    policy(2, "");
    AdmissionOutcome deeper = review();

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("is deeper than lineage.maxDepth 1");
    assertThat(deeper.allowed()).as(deeper.message()).isTrue();
    assertThat(deeper.verdicts().get(0).lineage()).hasSize(2);
  }

  @Test
  void cycleIsDetected() {
    provenance(base, vendorKey, tuned, digest(tuned));
    provenance(tuned, releaseKey, base, digest(base));
    policy(5, "");

    AdmissionOutcome o = review();

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("lineage cycle");
  }

  @Test
  void unreachableAncestorFollowsOnError() {
    Path predicate =
        TestModels.write(
            tmp.resolve("p.json"),
            "{\"buildDefinition\": {\"resolvedDependencies\": [{\"uri\": \"oci://127.0.0.1:1/base/model:1\", \"digest\": {\"sha256\": \""
                + "a".repeat(64)
                + "\"}}]}}");
    Cli.run(
        "attest",
        tuned,
        "--predicate-type",
        "https://slsa.dev/provenance/v1",
        "--predicate",
        predicate,
        "--private-key",
        releaseKey);

    AdmissionOutcome denied = review();
    policy(1, "  onError: Allow\n");
    AdmissionOutcome warned = review();

    assertThat(denied.allowed()).isFalse();
    assertThat(denied.message()).contains("UNAVAILABLE").contains("cannot be reached");
    assertThat(warned.allowed()).isTrue();
    assertThat(warned.warnings())
        .singleElement()
        .asString()
        .contains("admitted unverified: onError Allow");
  }
}
