package dev.modelgate.testing;

import dev.modelgate.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code modelgate} in-process, as the launcher would, and captures what it prints. */
public final class Cli {
  private Cli() {}

  public record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  public static Result run(Object... args) {
    List<String> strings = new ArrayList<>();
    for (Object a : args) {
      strings.add(a instanceof Path ? ((Path) a).toString() : String.valueOf(a));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), strings.toArray(new String[0]));
    return new Result(code, out.toString(), err.toString());
  }
}
