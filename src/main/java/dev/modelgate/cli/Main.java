package dev.modelgate.cli;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.ModelGateException;
import dev.modelgate.core.Printable;
import dev.modelgate.inpod.VerifierContainer;
import dev.modelgate.oms.FileNameEncoding;
import java.io.InputStream;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Entry point of {@code ./modelgate}. Runs without Quarkus, so commands start fast and open no
 * port. picocli would map any unexpected exception to exit 1, which reads as "denied"; here only a
 * verification failure returns 1.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Before anything reads a file name: with another charset, names would not be what is on disk.
    String problem = FileNameEncoding.startupProblem();
    if (problem != null) {
      System.err.println("modelgate: cannot start: " + problem);
      System.exit(ExitCode.BAD_INPUT);
    }
    System.exit(run(args));
  }

  static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs one command with the given streams; never exits the JVM. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(System.in, out, err, args);
  }

  /** Runs one command with the given streams, {@code in} being what {@code check -} reads. */
  public static int run(InputStream in, PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new ModelGateCommand());
    ((CheckCommand) cli.getSubcommands().get("check").getCommand()).stdin = in;
    VerifyVolumeCommand.configure(cli.getSubcommands().get(VerifierContainer.COMMAND));
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof InvalidInputException) {
            cmd.getErr().println("modelgate: " + Printable.escape(e.getMessage()));
            return ((InvalidInputException) e).reason().undecided()
                ? ExitCode.UNDECIDED
                : ExitCode.BAD_INPUT;
          }
          if (e instanceof ModelGateException && !((ModelGateException) e).reason().undecided()) {
            cmd.getErr().println("modelgate: " + Printable.escape(e.getMessage()));
            return ExitCode.BAD_INPUT;
          }
          cmd.getErr()
              .println("modelgate: could not decide: " + Printable.escape(String.valueOf(e)));
          return ExitCode.UNDECIDED;
        });
    cli.setParameterExceptionHandler(
        (e, params) -> {
          CommandLine cmd = e.getCommandLine();
          cmd.getErr().println("modelgate: " + e.getMessage());
          cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
          return ExitCode.BAD_INPUT;
        });
    try {
      return cli.execute(OptionSpelling.normalised(args));
    } catch (OutOfMemoryError e) {
      // One line, no trace: the decision is "could not decide", and the heap is what to raise.
      err.println(
          "modelgate: could not decide: out of memory ("
              + e.getMessage()
              + "); raise -Xmx via MODELGATE_JAVA_OPTS or verify a smaller model");
      return ExitCode.UNDECIDED;
    } catch (StackOverflowError e) {
      err.println("modelgate: could not decide: stack overflow (input nested too deeply)");
      return ExitCode.UNDECIDED;
    } catch (Error e) {
      err.println("modelgate: could not decide: internal error: " + e);
      return ExitCode.UNDECIDED;
    }
  }
}
