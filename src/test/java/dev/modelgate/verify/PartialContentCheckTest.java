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
import dev.modelgate.source.DownloadSelection;
import dev.modelgate.testing.KeyBundles;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The content step for a download restricted to the files some patterns select: what is present is
 * signed and matches, what is selected is present, the rest of the signed model may be absent, and
 * a selection of nothing signed verifies nothing. With the files and the shards serializations, the
 * verifier's own ignore rules and its unsafe ignore-unsigned switch.
 */
class PartialContentCheckTest {
  @TempDir Path tmp;
  final ContentCheck check = new ContentCheck(new ModelHasher(1));
  final KeyPair keys = TestKeys.ec("secp256r1");
  Path model;

  @BeforeEach
  void setUp() throws Exception {
    // The sample model (config.json, model.safetensors, tokenizer/vocab.txt, tokenizer.json,
    // empty), signed, then downloaded in part: the weights and the empty file are not.
    model = TestModels.sample(tmp, "model");
  }

  private VerifiedStatement signed(Serialization s) {
    return Steps.verifiedStatement(keys, KeyBundles.sign(keys, Steps.statement(model, s)));
  }

  private ContentResult check(
      VerifiedStatement signed, VerifyOptions options, List<String> patterns) {
    return check.check(
        signed,
        new VerificationRequest(
            model,
            tmp.resolve("model.sig"),
            options,
            HashProgress.NONE,
            Optional.of(
                new DownloadSelection("i", patterns, DownloadSelection.Dialect.HUGGING_FACE_HUB))));
  }

  private ContentResult tokenizerOnly(Serialization s) throws Exception {
    VerifiedStatement statement = signed(s);
    Files.delete(model.resolve("model.safetensors"));
    Files.delete(model.resolve("empty"));
    return check(statement, VerifyOptions.DEFAULTS, List.of("tokenizer*", "tokenizer/", "*.json"));
  }

  @Test
  void thePartDownloadedPassesAndSaysHowMuchOfTheModelThatIs() throws Exception {
    ContentResult r = tokenizerOnly(Serialization.files(HashAlgorithm.SHA256, false));

    assertThat(r.failures()).isEmpty();
    assertThat(r.filesChecked()).isEqualTo(3);
    assertThat(r.coverage()).contains(new PartialCoverage(3, 5, 3));
    assertThat(r.coverage().orElseThrow().describe())
        .isEqualTo("verified 3 of 5 signed files (the 3 STORAGE_ALLOW_PATTERNS selects)");
  }

  @Test
  void theShardsSerializationIsCheckedInPartToo() throws Exception {
    // Several resources per file; the empty file has none (a shards signature cannot list it).
    ContentResult r = tokenizerOnly(Serialization.shards(HashAlgorithm.SHA256, 4096, false));

    assertThat(r.failures()).isEmpty();
    assertThat(r.coverage()).contains(new PartialCoverage(3, 4, 3));
  }

  @Test
  void aSelectedSignedFileMissingIsNamed() throws Exception {
    VerifiedStatement statement = signed(Serialization.files(HashAlgorithm.SHA256, false));
    Files.delete(model.resolve("model.safetensors"));
    Files.delete(model.resolve("tokenizer/vocab.txt"));

    assertThat(check(statement, VerifyOptions.DEFAULTS, List.of("tokenizer*")).failures())
        .extracting(Failure::reason, Failure::subject)
        .containsExactly(tuple(Reason.FILE_MISSING, "tokenizer/vocab.txt"));
  }

  @Test
  void presentFilesAreCheckedWhateverThePatternsSay() throws Exception {
    VerifiedStatement statement = signed(Serialization.files(HashAlgorithm.SHA256, false));
    TestModels.write(model.resolve("model.safetensors"), "swapped weights");
    TestModels.write(model.resolve("loader.py"), "import os");

    assertThat(check(statement, VerifyOptions.DEFAULTS, List.of("tokenizer*")).failures())
        .extracting(Failure::reason, Failure::subject)
        .containsExactlyInAnyOrder(
            tuple(Reason.DIGEST_MISMATCH, "model.safetensors"),
            tuple(Reason.UNSIGNED_FILE, "loader.py"));
  }

  @Test
  void aSelectionOfNoSignedFileFails() throws Exception {
    VerifiedStatement statement = signed(Serialization.files(HashAlgorithm.SHA256, false));
    for (String f :
        List.of(
            "config.json", "model.safetensors", "tokenizer/vocab.txt", "tokenizer.json", "empty")) {
      Files.delete(model.resolve(f));
    }

    ContentResult r = check(statement, VerifyOptions.DEFAULTS, List.of("*.gguf", "../config.json"));

    assertThat(r.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.PARTIAL_DOWNLOAD_EMPTY);
              assertThat(f.message())
                  .isEqualTo(
                      "STORAGE_ALLOW_PATTERNS [*.gguf, ../config.json] selects none of the 5 signed files: nothing of the model would be verified");
            });
  }

  @Test
  void theVerifiersIgnoreRulesAndUnsafeSwitchApplyAsInFullMode() throws Exception {
    VerifiedStatement statement = signed(Serialization.files(HashAlgorithm.SHA256, false));
    Files.delete(model.resolve("model.safetensors"));
    TestModels.write(model.resolve(".cache/huggingface/.gitignore"), "*");

    VerifyOptions ignoring =
        new VerifyOptions(List.of(RelativePath.parse(".cache/huggingface")), false, false, true);
    assertThat(check(statement, ignoring, List.of("*.json", "tokenizer/", "empty")).failures())
        .isEmpty();
    assertThat(
            check(statement, VerifyOptions.DEFAULTS, List.of("*.json", "tokenizer/", "empty"))
                .failures())
        .extracting(Failure::reason, Failure::subject)
        .containsExactly(tuple(Reason.UNSIGNED_FILE, ".cache/huggingface/.gitignore"));
    VerifyOptions unsafe = new VerifyOptions(List.of(), true, false, true);
    assertThat(check(statement, unsafe, List.of("model.safetensors")).failures())
        .extracting(Failure::reason, Failure::subject)
        .containsExactly(tuple(Reason.FILE_MISSING, "model.safetensors"));
  }

  @Test
  void aSignedFileTheVerifierIgnoresIsReportedWhenPresentThoughNotSelected() throws Exception {
    VerifiedStatement statement = signed(Serialization.files(HashAlgorithm.SHA256, false));
    VerifyOptions ignoringWeights =
        new VerifyOptions(List.of(RelativePath.parse("model.safetensors")), false, false, true);

    assertThat(
            check(statement, ignoringWeights, List.of("*.json", "tokenizer/", "empty")).failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.FILE_MISSING);
              assertThat(f.message())
                  .contains("'model.safetensors' is ignored by the verifier's rules");
            });
    Files.delete(model.resolve("model.safetensors"));
    assertThat(
            check(statement, ignoringWeights, List.of("*.json", "tokenizer/", "empty")).failures())
        .isEmpty();
  }
}
