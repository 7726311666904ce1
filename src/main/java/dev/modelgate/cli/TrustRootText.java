package dev.modelgate.cli;

import dev.modelgate.oms.Digest;
import dev.modelgate.oms.HashAlgorithm;
import dev.modelgate.trust.PemReader;
import dev.modelgate.trust.PublicKeyHint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * What verify's trust flags trust, in words for a BOM's {@code modelgate:policy:…:trustRoot}: the
 * key's hint, each CA certificate's subject and SHA-256 fingerprint, or the Sigstore trusted root
 * (embedded, or a file by its digest) with the identity asked for.
 */
final class TrustRootText {
  private TrustRootText() {}

  static String of(VerifyCommand.Method m, String subjectRegExp, String sanRegExp) {
    if (m.publicKey != null) {
      return "public key sha256:" + PublicKeyHint.of(PemReader.publicKey(m.publicKey));
    }
    if (m.keyless != null) {
      VerifyCommand.Keyless k = m.keyless;
      String root =
          k.trustedRoot != null
              ? "Sigstore trusted root " + k.trustedRoot.getFileName() + " " + digest(k.trustedRoot)
              : k.trustConfig != null
                  ? "Sigstore trust config "
                      + k.trustConfig.getFileName()
                      + " "
                      + digest(k.trustConfig)
                  : "Sigstore public-good trusted root (embedded)";
      return root
          + "; identity "
          + first(k.identity, k.identityRegex)
          + ", issuer "
          + first(k.identityProvider, k.identityProviderRegex);
    }
    List<String> cas = new ArrayList<>();
    for (Path p : m.certificateChain) {
      for (X509Certificate c : PemReader.certificates(p)) {
        cas.add(c.getSubjectX500Principal().getName() + " " + fingerprint(c));
      }
    }
    return "certificate authorities "
        + String.join("; ", cas)
        + (subjectRegExp.isEmpty() ? "" : "; subject ~ " + subjectRegExp)
        + (sanRegExp.isEmpty() ? "" : "; SAN ~ " + sanRegExp);
  }

  private static String first(String exact, String regex) {
    return exact != null ? exact : "~ " + regex;
  }

  private static String digest(Path file) {
    try {
      return sha256(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String fingerprint(X509Certificate c) {
    try {
      return sha256(c.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("certificate cannot be encoded", e);
    }
  }

  private static String sha256(byte[] bytes) {
    return Digest.of(HashAlgorithm.SHA256, HashAlgorithm.sha256().digest(bytes)).toString();
  }
}
