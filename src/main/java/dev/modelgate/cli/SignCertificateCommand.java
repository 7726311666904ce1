package dev.modelgate.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code modelgate sign certificate}: model_signing's {@code sign certificate} (key, its
 * certificate, intermediates).
 */
@Command(
    name = "certificate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Sign using a certificate (model_signing's 'sign certificate').",
      "The signature carries the signing certificate and the --certificate-chain certificates after it (intermediates; verifiers bring their own roots). The certificate must hold the private key's public key."
    })
final class SignCertificateCommand extends MethodSignCommand {
  @Option(
      names = "--private-key",
      required = true,
      paramLabel = "PRIVATE_KEY",
      description = "EC private key of the signing certificate (PEM, unencrypted).")
  Path privateKey;

  @Option(
      names = "--signing-certificate",
      required = true,
      paramLabel = "CERTIFICATE_PATH",
      description = "The signing certificate (PEM).")
  Path signingCertificate;

  @Option(
      names = "--certificate-chain",
      paramLabel = "CERTIFICATE_PATH",
      description = "Intermediate certificates to include (PEM); repeat for more.")
  List<Path> certificateChain = new ArrayList<>();

  @Override
  byte[] bundle(byte[] statement) {
    return SignerOptions.bundle(privateKey, signingCertificate, certificateChain, statement);
  }

  @Override
  String method() {
    return "certificate";
  }
}
