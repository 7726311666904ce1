package dev.modelgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Go's archive/tar, the reader containerd unpacks layers with, as a test oracle: the small
 * standard-library program {@code src/test/resources/go/tarlist/main.go}, built once per test run
 * with Debian's {@code golang-go} (GOPATH and GOCACHE in a temporary directory, GOTOOLCHAIN=local,
 * GOPROXY=off: nothing is fetched), lists what Go reads from a tar stream. Tests skip, saying why,
 * where {@code go} is not installed (.ci/run installs it).
 */
public final class GoArchiveTar {
  public static final Path GO = Path.of("/usr/bin/go");
  private static Path binary;
  private static String buildError;

  /** One entry as Go's Reader.Next returns it; {@code sha256} only for regular files. */
  public record Entry(String name, char type, String link, long size, String sha256) {}

  /** The entries Go read, and its error if it refused the stream (then the entries before it). */
  public record Listing(List<Entry> entries, String error) {
    public boolean refused() {
      return error != null;
    }
  }

  private GoArchiveTar() {}

  /** The built program, or a skipped test when Go is missing. */
  public static synchronized Path binaryOrSkip() {
    Assumptions.assumeTrue(
        Files.isExecutable(GO),
        "Debian's golang-go is not installed (apt-get install golang-go; .ci/run does it)");
    if (binary == null && buildError == null) {
      build();
    }
    if (buildError != null) {
      throw new IllegalStateException(buildError);
    }
    return binary;
  }

  private static void build() {
    try {
      Path dir = Files.createTempDirectory("modelgate-go-tarlist");
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> deleteTree(dir), "delete " + dir.getFileName()));
      Path src = dir.resolve("main.go");
      try (InputStream in = GoArchiveTar.class.getResourceAsStream("/go/tarlist/main.go")) {
        Files.write(src, in.readAllBytes());
      }
      Path out = dir.resolve("tarlist");
      ProcessBuilder pb =
          new ProcessBuilder(GO.toString(), "build", "-o", out.toString(), src.toString())
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("build.log").toFile());
      Map<String, String> env = pb.environment();
      env.put("GOPATH", dir.resolve("gopath").toString());
      env.put("GOCACHE", dir.resolve("gocache").toString());
      env.put("GOTOOLCHAIN", "local");
      env.put("GOPROXY", "off");
      env.put("GO111MODULE", "off");
      env.put("GOFLAGS", "");
      Process p = pb.start();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        buildError = "go build of tarlist did not finish in 180 s";
      } else if (p.exitValue() != 0) {
        buildError =
            "go build of tarlist failed: " + Files.readString(dir.resolve("build.log")).strip();
      } else {
        binary = out;
      }
    } catch (IOException e) {
      buildError = "go build of tarlist failed: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      buildError = "interrupted building tarlist";
    }
  }

  /** What Go's archive/tar reads from {@code tar} (uncompressed). */
  public static Listing list(byte[] tar) {
    Path bin = binaryOrSkip();
    try {
      Path in = Files.createTempFile("modelgate-tarlist", ".tar");
      try {
        Files.write(in, tar);
        Process p =
            new ProcessBuilder(bin.toString())
                .redirectInput(in.toFile())
                .redirectError(ProcessBuilder.Redirect.PIPE)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException("tarlist did not finish in 60 s");
        }
        List<Entry> entries = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode n = json.readTree(line);
          entries.add(
              new Entry(
                  hex(n.get("name").asText()),
                  (char) n.get("type").asInt(),
                  hex(n.get("link").asText()),
                  n.get("size").asLong(),
                  n.get("sha256").asText()));
        }
        return new Listing(entries, p.exitValue() == 0 ? null : err);
      } finally {
        Files.deleteIfExists(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String hex(String h) {
    return new String(HexFormat.of().parseHex(h), StandardCharsets.UTF_8);
  }

  static void deleteTree(Path dir) {
    try (var s = Files.walk(dir)) {
      s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Best effort at exit.
    }
  }
}
