package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.packageurl.PackageURL;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.CycloneDx;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import dev.modelgate.testing.TestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BOM of a model in a real registry (Debian's docker-registry 2.8.2, pushed with {@code
 * modelgate push}): named by its purl ({@code pkg:oci/<name>@<manifest digest>}, purl-spec
 * types/oci-definition.json), hashed by its OMS root digest and its manifest digest, its files
 * listed from the signature and the layer digests, and not one weight byte fetched: the registry's
 * own access log (distribution writes one combined-log line per request) shows no GET of a file's
 * blob.
 */
class BomOciTest {
  @TempDir Path tmp;
  TestRegistry registry;
  Path registryDir;
  SignedModel signed;
  String ref;

  @BeforeEach
  void setUp() throws Exception {
    registryDir = Files.createDirectories(tmp.resolve("registry"));
    registry = TestRegistry.startOrSkip(registryDir);
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    ref = registry.host + "/models/llm:v1";
  }

  @AfterEach
  void tearDown() {
    if (registry != null) {
      registry.close();
    }
  }

  /** The request lines of the registry's access log: "GET /v2/... HTTP/1.1". */
  private List<String> requests() throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<String> lines = Files.lines(registryDir.resolve("registry.log"))) {
      lines.forEach(
          l -> {
            int q = l.indexOf('"');
            int end = q < 0 ? -1 : l.indexOf('"', q + 1);
            if (end > q) {
              out.add(l.substring(q + 1, end));
            }
          });
    }
    return out;
  }

  @Test
  void ociModelBomHasPurlBothDigestsAndItsFilesWithoutFetchingAWeight() throws Exception {
    Path predicate =
        TestModels.write(tmp.resolve("eval.json"), "{\"metrics\": {\"accuracy\": 0.91}}");
    Path attestation = tmp.resolve("eval.sig");
    assertThat(
            Cli.run(
                    "attest",
                    signed.model,
                    "--predicate-type",
                    "https://example.com/evaluation/v1",
                    "--predicate",
                    predicate,
                    "--private-key",
                    signed.privateKey,
                    "--output",
                    attestation)
                .exitCode())
        .isZero();
    assertThat(
            Cli.run("push", signed.model, "oci://" + ref, "--attestation", attestation).exitCode())
        .isZero();
    int before = requests().size();

    Cli.Result r = Cli.run("bom", "oci://" + ref, "--public-key", signed.publicKey);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode c = CycloneDx.valid(r.out()).path("components").get(0);
    String manifest = CycloneDx.one(c, "modelgate:digest:ociManifest");
    String root = Cli.run("digest", signed.model).out().trim();
    assertThat(c.path("name").asText()).isEqualTo("llm");
    assertThat(c.path("version").asText()).isEqualTo("v1");
    PackageURL purl = new PackageURL(c.path("purl").asText());
    assertThat(purl.getType()).isEqualTo("oci");
    assertThat(purl.getNamespace()).isNull();
    assertThat(purl.getName()).isEqualTo("llm");
    assertThat(purl.getVersion()).isEqualTo(manifest);
    assertThat(purl.getQualifiers())
        .containsEntry("repository_url", registry.host + "/models/llm")
        .containsEntry("tag", "v1");
    assertThat(CycloneDx.hashes(c))
        .containsExactly("SHA-256:" + root.substring(7), "SHA-256:" + manifest.substring(7));
    assertThat(CycloneDx.one(c, "modelgate:source")).isEqualTo("oci://" + ref);
    List<String> fileDigests = new ArrayList<>();
    c.path("components")
        .forEach(f -> fileDigests.add(f.path("hashes").get(0).path("content").asText()));
    assertThat(fileDigests).hasSize(5);
    assertThat(
            c.path("modelCard")
                .path("quantitativeAnalysis")
                .path("performanceMetrics")
                .get(0)
                .path("value")
                .asText())
        .isEqualTo("0.91");
    List<String> during = requests().subList(before, requests().size());
    assertThat(during).anyMatch(l -> l.startsWith("GET /v2/models/llm/manifests/"));
    // Blob reads are logged (the signature and attestation bundles are blobs), none of a file.
    assertThat(during).anyMatch(l -> l.startsWith("GET /v2/models/llm/blobs/sha256:"));
    for (String d : fileDigests) {
      assertThat(during).noneMatch(l -> l.contains("/blobs/sha256:" + d));
    }
  }

  @Test
  void ociModelSignedByAnotherKeyGivesNoBom() throws Exception {
    assertThat(Cli.run("push", signed.model, "oci://" + ref).exitCode()).isZero();
    SignedModel other = SignedModel.create(Files.createDirectories(tmp.resolve("other")));

    Cli.Result r = Cli.run("bom", "oci://" + ref, "--public-key", other.publicKey);

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
  }
}
