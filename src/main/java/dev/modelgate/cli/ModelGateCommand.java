package dev.modelgate.cli;

import java.util.Locale;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level command; each subcommand is a class of its own. */
@Command(
    name = "modelgate",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Verify and sign ML models with OpenSSF Model Signing (OMS) signatures.",
      "Exit codes: 0 verified, 1 verification failed, 2 bad usage or unreadable input, 3 could not decide."
    },
    subcommands = {
      VerifyCommand.class,
      DigestCommand.class,
      SignCommand.class,
      CheckCommand.class,
      PushCommand.class,
      VerifyVolumeCommand.class,
      AttestCommand.class,
      BomCommand.class
    })
final class ModelGateCommand implements Runnable {
  private static final Set<String> LOG_LEVELS =
      Set.of("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * model_signing's top-level {@code --log-level} (src/model_signing/_cli.py @ e3430730), so its
   * command lines parse.
   */
  @CommandLine.Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      description =
          "Accepted as model_signing accepts it (DEBUG, INFO, WARNING, ERROR, CRITICAL); ModelGate prints the same at every level.")
  void logLevel(String level) {
    if (!LOG_LEVELS.contains(level.toUpperCase(Locale.ROOT))) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--log-level must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got '" + level + "'");
    }
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is required: verify, digest or sign");
  }
}
