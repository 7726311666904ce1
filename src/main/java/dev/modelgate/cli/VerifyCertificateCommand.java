package dev.modelgate.cli;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.ModelGateException;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.BundleParser;
import dev.modelgate.oms.VerificationMaterial;
import dev.modelgate.trust.CertificateIdentity;
import dev.modelgate.trust.CertificateVerifier;
import dev.modelgate.trust.PemReader;
import dev.modelgate.trust.SignatureVerifier;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code modelgate verify certificate}: model_signing's {@code verify certificate} (an X.509 chain
 * to the given roots).
 */
@Command(
    name = "certificate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Verify using a certificate chain (model_signing's 'verify certificate').",
      "The signing certificate and intermediates come from the signature; --certificate-chain names the roots to trust (repeat it, or put several certificates in one file). It is required: ModelGate never falls back to web PKI roots.",
      "Exit codes: 0 verified, 1 verification failed, 2 bad usage or unreadable input, 3 could not decide."
    })
final class VerifyCertificateCommand extends MethodVerifyCommand {
  @Option(
      names = "--certificate-chain",
      paramLabel = "CERTIFICATE_PATH",
      description = "Trust anchors (root CA certificates, PEM); repeat for more.")
  List<Path> certificateChain = new ArrayList<>();

  @Option(
      names = "--log-fingerprints",
      description =
          "Print the SHA-256 fingerprints of the trusted and the presented certificates on stderr.")
  boolean logFingerprints;

  @Option(
      names = "--subject-regexp",
      paramLabel = "REGEX",
      defaultValue = "",
      description = "ModelGate: the signing certificate's subject DN must fully match.")
  String subjectRegExp;

  @Option(
      names = "--san-regexp",
      paramLabel = "REGEX",
      defaultValue = "",
      description = "ModelGate: one subject alternative name must fully match.")
  String sanRegExp;

  @Override
  SignatureVerifier verifier() {
    if (certificateChain.isEmpty()) {
      // model_signing falls back to certifi's web PKI roots here (sign_certificate.py @ e3430730);
      // any web server certificate would then sign models.
      throw new InvalidInputException(
          Reason.CHAIN_UNTRUSTED,
          "verify certificate needs --certificate-chain ROOT_PEM: ModelGate does not fall back to web PKI roots as model_signing does");
    }
    List<X509Certificate> anchors = new ArrayList<>();
    certificateChain.forEach(p -> anchors.addAll(PemReader.certificates(p)));
    if (logFingerprints) {
      anchors.forEach(c -> logFingerprint("init", c));
      presented().forEach(c -> logFingerprint("verify", c));
    }
    return new CertificateVerifier(anchors, new CertificateIdentity(subjectRegExp, sanRegExp));
  }

  /**
   * The certificates in the signature, for the log only; an unreadable bundle is reported by the
   * verification.
   */
  private List<X509Certificate> presented() {
    try {
      VerificationMaterial m = new BundleParser().read(signature).material();
      return m instanceof VerificationMaterial.CertificateChain
          ? ((VerificationMaterial.CertificateChain) m).certificates()
          : List.of();
    } catch (ModelGateException e) {
      return List.of();
    }
  }

  /**
   * The line model_signing logs ({@code _log_certificate_fingerprint}): where, algorithm,
   * colon-separated upper-case hex.
   */
  private void logFingerprint(String where, X509Certificate c) {
    try {
      byte[] fp = MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
      String hex = HexFormat.ofDelimiter(":").withUpperCase().formatHex(fp);
      spec.commandLine()
          .getErr()
          .printf(
              "[%-8s] sha256 Fingerprint: %s  %s%n",
              center(where), hex, c.getSubjectX500Principal().getName());
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("SHA-256 fingerprint of a parsed certificate", e);
    }
  }

  private static String center(String s) {
    int pad = Math.max(0, 8 - s.length());
    return " ".repeat(pad / 2) + s;
  }
}
