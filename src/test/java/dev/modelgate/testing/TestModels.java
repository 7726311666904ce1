package dev.modelgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small models written by tests: nested directories, text and binary files. */
public final class TestModels {
  private TestModels() {}

  /** config.json, weights in two shards-worth of bytes, a tokenizer directory and an empty file. */
  public static Path sample(Path parent, String name) {
    Path dir = parent.resolve(name);
    write(dir.resolve("config.json"), "{\"layers\": 2}\n");
    byte[] weights = new byte[70_000];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (byte) (i * 31 + 7);
    }
    write(dir.resolve("model.safetensors"), weights);
    write(dir.resolve("tokenizer/vocab.txt"), "a\nb\nc\n");
    write(dir.resolve("tokenizer.json"), "{}");
    write(dir.resolve("empty"), new byte[0]);
    return dir;
  }

  public static Path write(Path file, String text) {
    return write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  public static Path write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
