package dev.modelgate.cli;

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
    subcommands = {VerifyCommand.class, DigestCommand.class, SignCommand.class, CheckCommand.class, PushCommand.class, VerifyVolumeCommand.class, AttestCommand.class})
final class ModelGateCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is required: verify, digest or sign");
  }
}
