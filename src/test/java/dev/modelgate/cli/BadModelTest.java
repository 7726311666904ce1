package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.testing.Cli;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A signed model whose files were changed after signing: each change is named precisely. */
class BadModelTest {
  @TempDir Path tmp;
  SignedModel signed;

  @BeforeEach
  void sign() {
    signed = SignedModel.create(tmp);
  }

  private Cli.Result assertFails(Object... extra) {
    Cli.Result r = signed.verify(extra);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).doesNotContain("Exception");
    return r;
  }

  @Test
  void unchangedModelVerifies() {
    assertThat(signed.verify().exitCode()).isZero();
  }

  @Test
  void changedFileIsNamedWithSignedAndFoundDigests() {
    TestModels.write(signed.model.resolve("config.json"), "{\"layers\": 3}\n");

    Cli.Result r = assertFails();

    assertThat(r.err())
        .containsPattern(
            "DIGEST_MISMATCH: file 'config.json' has sha256:[0-9a-f]{64}, signed sha256:[0-9a-f]{64}");
  }

  @Test
  void aSignedFileTheVerifierIgnoresIsReportedAsIgnoredNotMissing() {
    Cli.Result r = assertFails("--ignore-paths", signed.model.resolve("config.json"));

    assertThat(r.err())
        .contains(
            "FILE_MISSING: signed file 'config.json' is ignored by the verifier's rules, so it was not checked")
        .doesNotContain("is missing");
  }

  @Test
  void addedFileIsUnsigned() {
    TestModels.write(signed.model.resolve("tokenizer/extra.py"), "import os");

    assertThat(assertFails().err())
        .contains("UNSIGNED_FILE: file 'tokenizer/extra.py' is not covered by the signature");
  }

  @Test
  void addedFileIsAcceptedOnlyWithIgnoreUnsignedFiles() {
    TestModels.write(signed.model.resolve("extra.bin"), "x");

    assertThat(signed.verify("--ignore-unsigned-files").exitCode()).isZero();
  }

  @Test
  void removedFileIsMissing() throws Exception {
    Files.delete(signed.model.resolve("tokenizer/vocab.txt"));

    assertThat(assertFails().err())
        .contains("FILE_MISSING: signed file 'tokenizer/vocab.txt' is missing");
  }

  @Test
  void removedFileIsMissingEvenWithIgnoreUnsignedFiles() throws Exception {
    Files.delete(signed.model.resolve("config.json"));

    assertThat(assertFails("--ignore-unsigned-files").err())
        .contains("FILE_MISSING: signed file 'config.json' is missing");
  }

  @Test
  void renamedFileIsReportedAsProbableRename() throws Exception {
    Files.move(signed.model.resolve("config.json"), signed.model.resolve("config.yaml"));

    assertThat(assertFails().err())
        .contains("FILE_MISSING: signed file 'config.json' is missing")
        .contains(
            "UNSIGNED_FILE: file 'config.yaml' is not covered by the signature; it has the content signed for 'config.json' (renamed?)");
  }

  @Test
  void symlinkIsRefusedByDefault() throws Exception {
    Files.createSymbolicLink(signed.model.resolve("link"), signed.model.resolve("config.json"));

    assertThat(assertFails().err())
        .contains("SYMLINK_REFUSED: 'link' is a symbolic link and symbolic links are not allowed");
  }

  @Test
  void symlinkEscapingTheModelIsRefusedEvenWhenLinksAreAllowed() throws Exception {
    Path secret = TestModels.write(tmp.resolve("secret.txt"), "outside");
    Files.delete(signed.model.resolve("config.json"));
    Files.createSymbolicLink(signed.model.resolve("config.json"), secret);

    assertThat(assertFails("--allow-symlinks").err())
        .contains(
            "SYMLINK_REFUSED: 'config.json' is a symbolic link that points outside the model");
  }

  @Test
  void symlinkedSignedFileIsRefusedWithIgnoreUnsignedFiles() throws Exception {
    Path secret = TestModels.write(tmp.resolve("secret.txt"), "outside");
    Files.delete(signed.model.resolve("config.json"));
    Files.createSymbolicLink(signed.model.resolve("config.json"), secret);

    assertThat(assertFails("--ignore-unsigned-files", "--allow-symlinks").err())
        .contains("SYMLINK_REFUSED: 'config.json'");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void fifoIsRefusedWithoutBeingOpened() throws Exception {
    Process p = new ProcessBuilder("mkfifo", signed.model.resolve("pipe").toString()).start();
    assertThat(p.waitFor()).isZero();

    assertThat(assertFails().err())
        .contains("SPECIAL_FILE_REFUSED: 'pipe' is a special file (FIFO, socket or device)");
  }

  @Test
  void gitMetadataAtTheRootIsIgnoredByDefaultButNotBelow() {
    TestModels.write(signed.model.resolve(".git/HEAD"), "ref: refs/heads/main");
    assertThat(signed.verify().exitCode()).isZero();

    TestModels.write(signed.model.resolve("tokenizer/.gitignore"), "*.tmp");
    assertThat(assertFails().err()).contains("UNSIGNED_FILE: file 'tokenizer/.gitignore'");
  }

  @Test
  void ignorePathsOutsideTheModelAreBadInput() {
    Cli.Result r = signed.verify("--ignore-paths", tmp.resolve("elsewhere"));

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("is not inside the model");
  }

  @Test
  void missingModelIsBadInput() {
    Cli.Result r =
        Cli.run(
            "verify",
            tmp.resolve("nope"),
            "--public-key",
            signed.publicKey,
            "--signature",
            signed.signature);

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("model " + tmp.resolve("nope") + " does not exist");
  }
}
