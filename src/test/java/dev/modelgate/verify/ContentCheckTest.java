package dev.modelgate.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.HashAlgorithm;
import dev.modelgate.oms.HashProgress;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.oms.RelativePath;
import dev.modelgate.oms.Serialization;
import dev.modelgate.testing.KeyBundles;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The content step: every file of the model is signed (or ignored by a stated rule) and has the
 * signed digest; every difference is reported with the file it is about.
 */
class ContentCheckTest {
  static final long SAMPLE_BYTES = 14 + 70_000 + 6 + 2;

  @TempDir Path tmp;
  final ContentCheck check = new ContentCheck(new ModelHasher(1));
  final KeyPair keys = TestKeys.ec("secp256r1");
  Path model;
  VerifiedStatement signed;

  @BeforeEach
  void setUp() {
    model = TestModels.sample(tmp, "model");
    signed = Steps.verifiedStatement(keys, KeyBundles.sign(keys, Steps.statement(model)));
  }

  private ContentResult check(VerifyOptions options) {
    return check.check(
        signed,
        new VerificationRequest(model, tmp.resolve("model.sig"), options, HashProgress.NONE));
  }

  private ContentResult check() {
    return check(VerifyOptions.DEFAULTS);
  }

  @Test
  void unchangedModelPassesWithEveryFileAndByteCounted() {
    ContentResult r = check();

    assertThat(r.failures()).isEmpty();
    assertThat(r.filesChecked()).isEqualTo(5);
    assertThat(r.bytesHashed()).isEqualTo(SAMPLE_BYTES);
    assertThat(r.warnings()).isEmpty();
  }

  @Test
  void tamperedFileIsNamedWithTheSignedAndFoundDigests() throws Exception {
    TestModels.write(model.resolve("config.json"), "{\"layers\": 3}\n");

    List<Failure> failures = check().failures();

    assertThat(failures)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
              assertThat(f.subject()).isEqualTo("config.json");
              assertThat(f.message())
                  .startsWith("file 'config.json' has sha256:")
                  .contains(", signed sha256:");
            });
  }

  @Test
  void extraFileIsUnsigned() {
    TestModels.write(model.resolve("backdoor.py"), "import os");

    assertThat(check().failures())
        .extracting(Failure::reason, Failure::subject)
        .containsExactly(tuple(Reason.UNSIGNED_FILE, "backdoor.py"));
  }

  @Test
  void missingFileIsNamed() throws Exception {
    Files.delete(model.resolve("tokenizer/vocab.txt"));

    assertThat(check().failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.FILE_MISSING);
              assertThat(f.message()).isEqualTo("signed file 'tokenizer/vocab.txt' is missing");
            });
  }

  @Test
  void renamedFileIsReportedAsMissingAndUnsignedWithTheRenameHint() throws Exception {
    Files.move(model.resolve("tokenizer.json"), model.resolve("tokenizer2.json"));

    List<Failure> failures = check().failures();

    assertThat(failures)
        .extracting(Failure::reason)
        .containsExactlyInAnyOrder(Reason.FILE_MISSING, Reason.UNSIGNED_FILE);
    assertThat(failures)
        .filteredOn(f -> f.reason() == Reason.UNSIGNED_FILE)
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.message())
                    .contains("it has the content signed for 'tokenizer.json' (renamed?)"));
  }

  @Test
  void symbolicLinkIsRefusedUnlessTheVerifierAllowsIt() throws Exception {
    Files.createSymbolicLink(model.resolve("link.json"), model.resolve("config.json"));

    assertThat(check().failures()).extracting(Failure::reason).contains(Reason.SYMLINK_REFUSED);
  }

  @Test
  void signedFileTheVerifierIgnoresIsReportedAsIgnoredNotMissing() {
    VerifyOptions ignoring =
        new VerifyOptions(List.of(RelativePath.parse("config.json")), false, false, true);

    assertThat(check(ignoring).failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.FILE_MISSING);
              assertThat(f.message())
                  .contains("is ignored by the verifier's rules, so it was not checked");
            });
  }

  @Test
  void withIgnoreUnsignedFilesOnlyTheSignedFilesAreRead() {
    TestModels.write(model.resolve("notes.txt"), "unsigned");
    VerifyOptions unsafe = new VerifyOptions(List.of(), true, false, true);

    ContentResult r = check(unsafe);

    assertThat(r.failures()).isEmpty();
    assertThat(r.filesChecked()).isEqualTo(5);
  }

  @Test
  void signatureInsideTheModelIsNotAnUnsignedFile() throws Exception {
    Path sig = Files.write(model.resolve("model.sig"), new byte[] {1});

    ContentResult r =
        check.check(
            signed, new VerificationRequest(model, sig, VerifyOptions.DEFAULTS, HashProgress.NONE));

    assertThat(r.failures()).isEmpty();
  }

  @Test
  void shardsSignatureWarnsAboutAnEmptyFileItCannotCover() {
    signed =
        Steps.verifiedStatement(
            keys,
            KeyBundles.sign(
                keys,
                Steps.statement(model, Serialization.shards(HashAlgorithm.SHA256, 4096, false))));

    ContentResult r = check();

    assertThat(r.failures()).isEmpty();
    assertThat(r.warnings())
        .singleElement()
        .asString()
        .startsWith("1 empty file(s) in the model are not covered");
  }

  @Test
  void modelThatDoesNotExistIsNotFound() throws Exception {
    model = tmp.resolve("absent");

    assertThat(check().failures()).extracting(Failure::reason).containsExactly(Reason.NOT_FOUND);
  }
}
