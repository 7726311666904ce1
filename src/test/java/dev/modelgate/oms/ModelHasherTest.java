package dev.modelgate.oms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Reason;
import dev.modelgate.testing.RawNames;
import dev.modelgate.testing.TestModels;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelHasherTest {
  @TempDir Path tmp;

  @Test
  void fileThatGrowsAfterEnumerationIsReportedAsChanged() throws Exception {
    Path model = TestModels.sample(tmp, "m");
    ModelContents contents = new ModelWalker(IgnoreRules.none(), SymlinkPolicy.REFUSE).walk(model);
    Files.writeString(model.resolve("config.json"), "more", StandardOpenOption.APPEND);

    HashedModel hashed =
        new ModelHasher(2)
            .hash(
                contents.files(),
                Serialization.files(HashAlgorithm.SHA256, false),
                HashProgress.NONE);

    assertThat(hashed.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.MODEL_CHANGED);
              assertThat(f.message())
                  .contains("'config.json' changed size from 14 to 18 bytes after the walk");
            });
  }

  @Test
  void fileThatShrinksIsReportedAsChanged() throws Exception {
    Path model = TestModels.sample(tmp, "m");
    ModelContents contents = new ModelWalker(IgnoreRules.none(), SymlinkPolicy.REFUSE).walk(model);
    Files.write(model.resolve("model.safetensors"), new byte[10]);

    HashedModel hashed =
        new ModelHasher(1)
            .hash(
                contents.files(),
                Serialization.shards(HashAlgorithm.SHA256, 4096, false),
                HashProgress.NONE);

    assertThat(hashed.failures())
        .isNotEmpty()
        .allSatisfy(f -> assertThat(f.reason()).isEqualTo(Reason.MODEL_CHANGED));
  }

  @Test
  void sameDigestWhateverTheNumberOfThreads() {
    Path model = TestModels.sample(tmp, "m");
    ModelContents contents = new ModelWalker(IgnoreRules.none(), SymlinkPolicy.REFUSE).walk(model);
    Serialization s = Serialization.shards(HashAlgorithm.BLAKE3, 1000, false);

    Digest one =
        RootDigest.of(new ModelHasher(1).hash(contents.files(), s, HashProgress.NONE).resources());
    Digest four =
        RootDigest.of(new ModelHasher(4).hash(contents.files(), s, HashProgress.NONE).resources());

    assertThat(one).isEqualTo(four);
  }

  @Test
  void hashesMatchKnownVectors() {
    StreamHasher h = HashAlgorithm.BLAKE3.newHasher();
    assertThat(HexFormat.of().formatHex(h.finish()))
        .isEqualTo("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262");
    StreamHasher b = HashAlgorithm.BLAKE2B.newHasher();
    assertThat(HexFormat.of().formatHex(b.finish()))
        .startsWith("786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419");
  }

  @Test
  void walkerStopsAtTheFileLimitWithAReason() {
    Path model = TestModels.sample(tmp, "m");

    ModelContents c = new ModelWalker(IgnoreRules.none(), SymlinkPolicy.REFUSE, 2).walk(model);

    assertThat(c.failures())
        .anySatisfy(f -> assertThat(f.reason()).isEqualTo(Reason.LIMIT_EXCEEDED));
  }

  @Test
  void interruptingTheCallerStopsHashingAndNothingCountsAsHashed() {
    Path model = TestModels.sample(tmp, "m");
    ModelContents contents = new ModelWalker(IgnoreRules.none(), SymlinkPolicy.REFUSE).walk(model);

    Thread.currentThread().interrupt();
    HashedModel hashed =
        new ModelHasher(2)
            .hash(
                contents.files(),
                Serialization.files(HashAlgorithm.SHA256, false),
                HashProgress.NONE);
    boolean stillInterrupted = Thread.interrupted();

    assertThat(stillInterrupted).isTrue();
    assertThat(hashed.resources()).isEmpty();
    assertThat(hashed.failures())
        .isNotEmpty()
        .allSatisfy(f -> assertThat(f.reason()).isEqualTo(Reason.UNAVAILABLE));
  }

  @Test
  void aFifoSwappedInWhileALargeSparseFileIsHashedIsRefusedWithoutOpeningIt() throws Exception {
    Path model = Files.createDirectories(tmp.resolve("m"));
    try (RandomAccessFile big = new RandomAccessFile(model.resolve("weights.bin").toFile(), "rw")) {
      big.setLength(256L << 20);
    }
    Path small = TestModels.write(model.resolve("config.json"), "{}");
    ModelContents contents = new ModelWalker(IgnoreRules.none(), SymlinkPolicy.REFUSE).walk(model);
    AtomicBoolean swapped = new AtomicBoolean();
    HashProgress swapWhileHashing =
        new HashProgress() {
          @Override
          public void advanced(long bytes) {
            // The largest file goes first; during it, config.json becomes a FIFO nobody writes to.
            if (swapped.compareAndSet(false, true)) {
              try {
                Files.delete(small);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              RawNames.mkfifo(small);
            }
          }
        };

    HashedModel hashed =
        new ModelHasher(1)
            .hash(
                contents.files(),
                Serialization.files(HashAlgorithm.SHA256, false),
                swapWhileHashing);

    assertThat(swapped).isTrue();
    assertThat(hashed.resources())
        .extracting(r -> r.key().path().value())
        .containsExactly("weights.bin");
    assertThat(hashed.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.MODEL_CHANGED);
              assertThat(f.message())
                  .isEqualTo(
                      "'config.json' is no longer a regular file (a FIFO, socket or device) after the walk");
            });
  }

  @Test
  void aFifoSwappedInBetweenTheCheckAndOpenIsReleasedAndReportedNotWaitedFor() throws Exception {
    Path model = Files.createDirectories(tmp.resolve("m"));
    Path file = TestModels.write(model.resolve("config.json"), "{}");
    ModelContents contents = new ModelWalker(IgnoreRules.none(), SymlinkPolicy.REFUSE).walk(model);
    ModelHasher racing =
        new ModelHasher(
            1,
            path -> {
              try {
                Files.delete(path);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              RawNames.mkfifo(path);
            });

    HashedModel hashed =
        CompletableFuture.supplyAsync(
                () ->
                    racing.hash(
                        contents.files(),
                        Serialization.files(HashAlgorithm.SHA256, false),
                        HashProgress.NONE))
            .get(30, TimeUnit.SECONDS);

    assertThat(Files.isRegularFile(file)).isFalse();
    assertThat(hashed.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.MODEL_CHANGED);
              assertThat(f.message())
                  .isEqualTo(
                      "'config.json' is no longer a regular file (a FIFO, socket or device) while it was opened");
            });
  }

  @Test
  void aFileReplacedByAnotherOfTheSameSizeIsReportedAsChanged() throws Exception {
    Path model = TestModels.sample(tmp, "m");
    ModelContents contents = new ModelWalker(IgnoreRules.none(), SymlinkPolicy.REFUSE).walk(model);
    Path replacement = TestModels.write(tmp.resolve("other.json"), "{\"layers\": 9}\n");
    Files.move(replacement, model.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING);

    HashedModel hashed =
        new ModelHasher(2)
            .hash(
                contents.files(),
                Serialization.files(HashAlgorithm.SHA256, false),
                HashProgress.NONE);

    assertThat(hashed.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.MODEL_CHANGED);
              assertThat(f.message())
                  .isEqualTo("'config.json' was replaced by another file after the walk");
            });
  }
}
