package dev.modelgate.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * model_signing's signing methods that cannot work in ModelGate. Each takes whatever model_signing
 * would accept and answers with one line and exit 2, so a script learns why instead of tripping
 * over an unknown option.
 */
final class UnavailableSignMethods {
  private UnavailableSignMethods() {}

  static int refuse(CommandSpec spec, String method) {
    String why =
        method.equals("sigstore")
            ? "it needs an OIDC token and the Fulcio and Rekor services, and ModelGate never contacts a network service to sign"
            : "ModelGate does not load PKCS #11 modules";
    spec.commandLine()
        .getErr()
        .printf(
            "modelgate: sign %s is not available: %s; sign with 'modelgate sign key' or 'sign certificate' (PEM keys), or with model_signing, and verify here%n",
            method, why);
    return ExitCode.BAD_INPUT;
  }

  abstract static class Refusal implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Unmatched List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() {
      return refuse(spec, spec.name());
    }
  }

  @Command(
      name = "sigstore",
      mixinStandardHelpOptions = true,
      description = "Not available: Sigstore signing needs Fulcio, Rekor and an OIDC token.")
  static final class Sigstore extends Refusal {}

  @Command(
      name = "pkcs11-key",
      mixinStandardHelpOptions = true,
      description = "Not available: ModelGate does not load PKCS #11 modules.")
  static final class Pkcs11Key extends Refusal {}

  @Command(
      name = "pkcs11-certificate",
      mixinStandardHelpOptions = true,
      description = "Not available: ModelGate does not load PKCS #11 modules.")
  static final class Pkcs11Certificate extends Refusal {}
}
