package dev.modelgate.cli;

import dev.modelgate.trust.KeyVerifier;
import dev.modelgate.trust.PemReader;
import dev.modelgate.trust.SignatureVerifier;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code modelgate verify key}: model_signing's {@code verify key} (an EC public key, no identity).
 */
@Command(
    name = "key",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Verify using a public key (model_signing's 'verify key').",
      "Verifies the model at MODEL_PATH against the signature at SIGNATURE_PATH; files in IGNORE_PATHS are left out.",
      "The key names no signer: whoever holds its private key signed.",
      "Exit codes: 0 verified, 1 verification failed, 2 bad usage or unreadable input, 3 could not decide."
    })
final class VerifyKeyCommand extends MethodVerifyCommand {
  @Option(
      names = "--public-key",
      required = true,
      paramLabel = "PUBLIC_KEY",
      description = "The signer's EC public key (PEM).")
  Path publicKey;

  @Override
  SignatureVerifier verifier() {
    return new KeyVerifier(PemReader.publicKey(publicKey));
  }
}
