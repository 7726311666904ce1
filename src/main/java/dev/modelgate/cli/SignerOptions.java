package dev.modelgate.cli;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.trust.EcSigner;
import dev.modelgate.trust.PemReader;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How sign and attest sign: an EC key (key method), or a key with its certificate chain. */
final class SignerOptions {
  // Not required for picocli, which would demand it before sign's method subcommands; bundle()
  // does.
  @Option(
      names = "--private-key",
      paramLabel = "PEM",
      description =
          "EC P-256, P-384 or P-521 private key (EC PRIVATE KEY or PKCS#8 PRIVATE KEY, unencrypted).")
  Path privateKey;

  @Option(
      names = "--signing-certificate",
      paramLabel = "PEM",
      description = "certificate method: the certificate of the private key.")
  Path signingCertificate;

  @Option(
      names = "--certificate-chain",
      arity = "1..*",
      paramLabel = "PEM",
      description = "certificate method: intermediates to include after the signing certificate.")
  List<Path> certificateChain = new ArrayList<>();

  boolean hasPrivateKey() {
    return privateKey != null;
  }

  String method() {
    return signingCertificate == null ? "key" : "certificate";
  }

  /** A Sigstore bundle over {@code payload} (an in-toto statement). */
  byte[] bundle(byte[] payload) {
    if (privateKey == null) {
      throw new InvalidInputException(
          Reason.NOT_FOUND, "missing required option --private-key PEM");
    }
    return bundle(privateKey, signingCertificate, certificateChain, payload);
  }

  /**
   * Signs {@code payload} with the key, and with the certificate and chain when {@code
   * signingCertificate} is given.
   */
  static byte[] bundle(
      Path privateKey, Path signingCertificate, List<Path> certificateChain, byte[] payload) {
    if (signingCertificate == null && !certificateChain.isEmpty()) {
      throw new InvalidInputException(
          Reason.VERIFICATION_MATERIAL_MISMATCH, "--certificate-chain needs --signing-certificate");
    }
    EcSigner signer = new EcSigner(PemReader.keyPair(privateKey));
    if (signingCertificate == null) {
      return signer.signWithKey(payload);
    }
    List<X509Certificate> chain =
        new ArrayList<>(PemReader.certificates(signingCertificate).subList(0, 1));
    certificateChain.forEach(p -> chain.addAll(PemReader.certificates(p)));
    return signer.signWithCertificates(chain, payload);
  }
}
