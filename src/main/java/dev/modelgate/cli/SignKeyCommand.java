package dev.modelgate.cli;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code modelgate sign key}: model_signing's {@code sign key} (an EC private key, no certificate).
 */
@Command(
    name = "key",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Sign using a private key (model_signing's 'sign key').",
      "Signs the model at MODEL_PATH and writes the signature to SIGNATURE_PATH; files in IGNORE_PATHS are not signed."
    })
final class SignKeyCommand extends MethodSignCommand {
  @Option(
      names = "--private-key",
      required = true,
      paramLabel = "PRIVATE_KEY",
      description = "EC P-256, P-384 or P-521 private key (PEM, unencrypted).")
  Path privateKey;

  @Option(
      names = "--password",
      paramLabel = "PASSWORD",
      description = "Not supported: decrypt the key first (openssl pkey -in KEY -out PLAIN).")
  String password;

  @Override
  byte[] bundle(byte[] statement) {
    refuseEncryptedKey(password);
    return SignerOptions.bundle(privateKey, null, List.of(), statement);
  }

  @Override
  String method() {
    return "key";
  }

  static void refuseEncryptedKey(String password) {
    if (password != null) {
      throw new InvalidInputException(
          Reason.KEY_UNSUPPORTED,
          "--password: encrypted private keys are not read; decrypt it first (openssl pkey -in KEY -out PLAIN.pem) and pass that");
    }
  }
}
