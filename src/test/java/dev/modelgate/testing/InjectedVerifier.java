package dev.modelgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the verifier init container /mutate injected as its own process: the container's arguments
 * and environment, with its mount ({@code /modelgate/model}) replaced by a directory of the test.
 */
public final class InjectedVerifier {
  /** What the process did: exit code, its log, and its termination message. */
  public record Run(int exit, String log, String termination) {}

  private InjectedVerifier() {}

  /** Runs {@code verifier} (the injected container) on {@code volume}, logging to {@code tmp}. */
  public static Run run(JsonNode verifier, Path volume, Path tmp) throws Exception {
    Path terminationLog = tmp.resolve("termination-log");
    Files.deleteIfExists(terminationLog);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.modelgate.cli.Main"));
    String mount = verifier.at("/volumeMounts/0/mountPath").asText();
    verifier.path("args").forEach(a -> cmd.add(a.asText().replace(mount, volume.toString())));
    cmd.addAll(List.of("--termination-log", terminationLog.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("MODELGATE_POLICIES");
    verifier
        .path("env")
        .forEach(e -> pb.environment().put(e.path("name").asText(), e.path("value").asText()));
    Process p = pb.start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(
        p.exitValue(), log, Files.exists(terminationLog) ? Files.readString(terminationLog) : "");
  }
}
