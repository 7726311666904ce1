package dev.modelgate.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/**
 * A real OCI registry for tests: Debian's docker-registry (distribution 2.8.2), started on a free
 * loopback port with storage in a temporary directory, stopped on close. Tests skip, saying why,
 * when the package is not installed (.ci/run installs it).
 */
public final class TestRegistry implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/docker-registry");
  private final Process process;
  public final String host;

  private TestRegistry(Process process, String host) {
    this.process = process;
    this.host = host;
  }

  public static TestRegistry startOrSkip(Path dir) throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(BINARY),
        "Debian's docker-registry is not installed (apt-get install docker-registry; .ci/run does it)");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path config = dir.resolve("registry.yml");
    Files.writeString(
        config,
        "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: "
            + dir.resolve("data")
            + "\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:"
            + port
            + "\n");
    Process p =
        new ProcessBuilder(BINARY.toString(), "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("registry.log").toFile())
            .start();
    String host = "127.0.0.1:" + port;
    HttpClient http = HttpClient.newHttpClient();
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
      try {
        if (http.send(
                    HttpRequest.newBuilder(URI.create("http://" + host + "/v2/")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return new TestRegistry(p, host);
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      if (System.nanoTime() > end || !p.isAlive()) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "docker-registry did not start on " + host + "; see " + dir.resolve("registry.log"));
      }
      Thread.sleep(100);
    }
  }

  @Override
  public void close() {
    process.destroy();
  }
}
