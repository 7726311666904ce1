package dev.modelgate.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.HashProgress;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import dev.modelgate.trust.KeyVerifier;
import dev.modelgate.trust.PemReader;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names and lengths are compared with the manifest before any byte is read: an unsigned or
 * wrong-length file is reported without reading it. What was read is observed through the hasher's
 * progress, which counts every byte it reads.
 */
class CheapChecksFirstTest {
  @TempDir Path tmp;

  private static final long SAMPLE_BYTES =
      14 + 70_000 + 6 + 2; // config.json, weights, vocab, tokenizer.json

  private record Run(VerificationResult result, long bytesRead) {}

  private static Run verify(SignedModel signed) {
    AtomicLong read = new AtomicLong();
    HashProgress counting =
        new HashProgress() {
          @Override
          public void advanced(long bytes) {
            read.addAndGet(bytes);
          }
        };
    VerifyOptions options = new VerifyOptions(List.of(), false, false, true);
    VerificationResult r =
        new ModelVerifier(new ModelHasher(2))
            .verify(
                new VerificationRequest(signed.model, signed.signature, options, counting),
                new KeyVerifier(PemReader.publicKey(signed.publicKey)));
    return new Run(r, read.get());
  }

  private static void sparse(Path file, long bytes) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(bytes);
    }
  }

  @Test
  void anUnsignedHugeFileIsReportedWithoutReadingIt() throws Exception {
    SignedModel signed = SignedModel.create(tmp);
    sparse(signed.model.resolve("extra.bin"), 20L << 30);

    Run run = verify(signed);

    assertThat(run.result().failures())
        .extracting(Failure::reason)
        .containsExactly(Reason.UNSIGNED_FILE);
    assertThat(run.result().failures().get(0).message())
        .isEqualTo("file 'extra.bin' is not covered by the signature");
    assertThat(run.bytesRead()).isEqualTo(SAMPLE_BYTES);
  }

  @Test
  void withShardsAFileOfAnotherLengthIsReportedWithoutReadingIt() throws Exception {
    SignedModel signed = SignedModel.create(tmp, "--shard-size", "4096");
    sparse(signed.model.resolve("model.safetensors"), 20L << 30);

    Run run = verify(signed);

    assertThat(run.result().failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
              assertThat(f.message())
                  .isEqualTo("file 'model.safetensors' has 21474836480 bytes, signed 70000 bytes");
            });
    assertThat(run.bytesRead()).isEqualTo(SAMPLE_BYTES - 70_000);
  }

  @Test
  void manyUnsignedFilesAreNamedUpToALimitThenCounted() throws Exception {
    SignedModel signed = SignedModel.create(tmp);
    for (int i = 0; i < 150; i++) {
      TestModels.write(signed.model.resolve("stray/" + i + ".py"), "import os");
    }

    List<Failure> failures = verify(signed).result().failures();

    assertThat(failures)
        .hasSize(FileSetComparison.MAX_LISTED_UNSIGNED + 1)
        .allSatisfy(f -> assertThat(f.reason()).isEqualTo(Reason.UNSIGNED_FILE));
    assertThat(failures.get(failures.size() - 1).message())
        .isEqualTo(
            "50 more files are not covered by the signature (150 in all; the first 100 are named)");
  }

  @Test
  void aSmallUnsignedFileBesideAMissingSignedOneIsStillRecognisedAsARename() throws Exception {
    SignedModel signed = SignedModel.create(tmp);
    Files.move(signed.model.resolve("config.json"), signed.model.resolve("config.yaml"));

    List<Failure> failures = verify(signed).result().failures();

    assertThat(failures)
        .extracting(Failure::message)
        .contains(
            "file 'config.yaml' is not covered by the signature; it has the content signed for 'config.json' (renamed?)");
  }
}
