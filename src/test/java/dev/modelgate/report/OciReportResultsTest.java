package dev.modelgate.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results for OCI models on a real registry process: the digest the tag was verified at is in the
 * result, and a registry that is down is an {@code error}, not a {@code fail}.
 */
class OciReportResultsTest {
  static final Instant AT = Instant.parse("2026-12-01T10:30:00Z");
  static final ObjectReference POD = ObjectReference.of("v1", "Pod", "ml", "llm", "");

  @TempDir Path tmp;
  TestRegistry registry;
  SignedModel signed;
  String ref;

  @BeforeEach
  void setUp() throws Exception {
    registry = TestRegistry.startOrSkip(Files.createDirectories(tmp.resolve("registry")));
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    ref = registry.host + "/models/llm:v1";
  }

  @AfterEach
  void tearDown() {
    if (registry != null) {
      registry.close();
    }
  }

  private PolicyReportResult result(String mode) {
    AdmissionOutcome o =
        new AdmissionHarness(tmp)
            .policy(
                "p.yaml",
                AdmissionHarness.keyPolicy(
                    "oci", mode, "oci://" + registry.host + "/**", signed.publicKey, ""))
            .review(
                AdmissionHarness.create(
                    "apiVersion: v1\nkind: Pod\nmetadata: {name: llm, namespace: ml}\nspec:\n"
                        + "  containers: [{name: s, image: server}]\n"
                        + "  volumes:\n    - name: weights\n      image: {reference: '"
                        + ref
                        + "'}\n"));
    return VerdictResults.of(new WorkloadVerdicts(POD, o.verdicts(), AT, Evaluation.ADMISSION))
        .get(0);
  }

  @Test
  void modelVerifiedByTagReportsTheDigestItWasVerifiedAt() {
    assertThat(Cli.run("push", signed.model, "oci://" + ref).exitCode()).isZero();
    String manifest =
        Cli.run("verify", "oci://" + ref, "--public-key", signed.publicKey, "--json")
            .out()
            .replaceAll("(?s).*\"manifestDigest\" : \"(sha256:[0-9a-f]{64})\".*", "$1");

    PolicyReportResult r = result("Audit");

    assertThat(r.result()).isEqualTo(PolicyResult.PASS);
    assertThat(manifest).startsWith("sha256:");
    assertThat(r.properties())
        .containsEntry("digest", manifest)
        .containsEntry("modelUri", "oci://" + ref)
        .containsEntry("modelField", "spec.volumes[0].image.reference");
  }

  @Test
  void registryThatIsDownIsAnErrorResult() {
    registry.close();

    PolicyReportResult r = result("Enforce");

    assertThat(r.result()).isEqualTo(PolicyResult.ERROR);
    assertThat(r.properties()).containsEntry("reasons", "UNAVAILABLE").doesNotContainKey("digest");
    assertThat(r.message()).contains("cannot be reached");
  }
}
