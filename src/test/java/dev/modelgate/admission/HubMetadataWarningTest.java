package dev.modelgate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.KServePods;
import dev.modelgate.testing.SignedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KServe's storage-initializer downloads {@code hf://} models with huggingface_hub's {@code
 * snapshot_download(local_dir=…)} (kserve/kserve aaac4e294dae2c7b1aa1886447793f3aa1c30912,
 * python/storage/kserve_storage/kserve_storage.py {@code _download_hf}), which leaves unsigned
 * metadata in {@code .cache/huggingface/} of the download: a policy that does not ignore it is told
 * at admission, not only by a pod stuck in Init:Error.
 */
class HubMetadataWarningTest {
  @TempDir Path tmp;
  SignedModel signed;

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
  }

  private AdmissionOutcome admit(String verification, String storageUri) throws Exception {
    AdmissionHarness h =
        new AdmissionHarness(Files.createTempDirectory(tmp, "h"))
            .policy(
                "p.yaml",
                AdmissionHarness.keyPolicy(
                    "all-models", "Enforce", "**", signed.publicKey, verification));
    return h.mutateThenValidate(KServePods.afterStorageInitializer(storageUri));
  }

  @Test
  void aHubDownloadUnderAPolicyThatDoesNotIgnoreTheHubMetadataIsAdmittedWithAWarning()
      throws Exception {
    AdmissionOutcome o = admit("", "hf://meta-llama/Meta-Llama-3-8B");

    assertThat(o.allowed()).as(o.message()).isTrue();
    assertThat(o.warnings())
        .singleElement()
        .asString()
        .contains("hf://meta-llama/Meta-Llama-3-8B")
        .contains("leaves unsigned metadata in .cache/huggingface/")
        .contains("does not list it in verification.ignorePaths");
  }

  @Test
  void ignoringTheMetadataOrADirectoryAboveItGivesNoWarning() throws Exception {
    AdmissionOutcome exact =
        admit(
            "  verification: {ignorePaths: [.cache/huggingface]}\n",
            "hf://meta-llama/Meta-Llama-3-8B");
    AdmissionOutcome above =
        admit("  verification: {ignorePaths: [.cache]}\n", "hf://meta-llama/Meta-Llama-3-8B");
    AdmissionOutcome below =
        admit(
            "  verification: {ignorePaths: [.cache/huggingface/download]}\n",
            "hf://meta-llama/Meta-Llama-3-8B");

    assertThat(exact.warnings()).isEmpty();
    assertThat(above.warnings()).isEmpty();
    assertThat(below.warnings()).singleElement().asString().contains(".cache/huggingface/");
  }

  @Test
  void otherDownloadsGetNoWarning() throws Exception {
    AdmissionOutcome o = admit("", "s3://models/llama");

    assertThat(o.allowed()).as(o.message()).isTrue();
    assertThat(o.warnings()).isEmpty();
  }
}
