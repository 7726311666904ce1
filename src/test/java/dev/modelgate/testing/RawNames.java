package dev.modelgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Files whose names are arbitrary bytes. A Java string cannot name them (the JVM encodes names with
 * UTF-8, so {@code Path.of} never yields an invalid byte sequence), so they are made by {@code
 * /bin/sh}, whose {@code printf} turns octal escapes into exact bytes. Only ASCII crosses the
 * process boundary.
 */
public final class RawNames {
  private RawNames() {}

  /** Creates {@code dir/<name bytes>} holding {@code content} (ASCII). */
  public static void create(Path dir, byte[] name, String content) {
    // A trailing '/' keeps $(...) from eating trailing newlines of the name; it is removed after.
    String script =
        "cd \"$1\" && f=$(printf \"$2\"; printf /) && f=${f%/} && printf '%s' \"$3\" > \"$f\"";
    run(List.of("/bin/sh", "-c", script, "sh", dir.toString(), octal(name), content));
  }

  /** Makes a FIFO at {@code path} (which must not exist). */
  public static void mkfifo(Path path) {
    run(List.of("mkfifo", path.toString()));
  }

  private static String octal(byte[] name) {
    StringBuilder sb = new StringBuilder();
    for (byte b : name) {
      sb.append(String.format("\\%03o", b & 0xff));
    }
    return sb.toString();
  }

  private static void run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(cmd + " failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
