package dev.modelgate.testing;

import dev.modelgate.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs {@code modelgate} in-process, as the launcher would, and captures what it prints. */
public final class Cli {
  private Cli() {}

  public record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  /**
   * Runs {@code modelgate} in its own JVM with {@code workingDirectory} as the current directory,
   * for command lines whose relative paths (such as {@code .}) mean something only there. stdout
   * and stderr are read concurrently, so neither can fill up and block the child.
   */
  public static Result runIn(Path workingDirectory, Object... args)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    for (Object a : args) {
      cmd.add(a instanceof Path ? ((Path) a).toString() : String.valueOf(a));
    }
    Process p = new ProcessBuilder(cmd).directory(workingDirectory.toFile()).start();
    CompletableFuture<byte[]> err =
        CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          "modelgate " + String.join(" ", cmd.subList(4, cmd.size())) + " did not finish in 120 s");
    }
    return new Result(p.exitValue(), out, new String(err.join(), StandardCharsets.UTF_8));
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Result run(Object... args) {
    return runWithStdin("", args);
  }

  /** Runs with {@code stdin} as the process's standard input (what {@code check -} reads). */
  public static Result runWithStdin(String stdin, Object... args) {
    List<String> strings = new ArrayList<>();
    for (Object a : args) {
      strings.add(a instanceof Path ? ((Path) a).toString() : String.valueOf(a));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            strings.toArray(new String[0]));
    return new Result(code, out.toString(), err.toString());
  }
}
