package dev.modelgate.trust;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.sigstore.fulcio.client.FulcioVerifier;
import dev.sigstore.rekor.client.RekorVerifier;
import dev.sigstore.timestamp.client.TimestampVerifier;
import dev.sigstore.trustroot.CertificateAuthority;
import dev.sigstore.trustroot.SigstoreTrustedRoot;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A Sigstore {@code trusted_root.json} loaded offline, with the component verifiers built from it
 * once: Fulcio (chain and SCT), Rekor (SET, inclusion proof, checkpoint) and RFC 3161 timestamps.
 * Nothing is fetched from the network, ever.
 *
 * <p>Everything that can be wrong with a trusted root is found here, at load time: malformed JSON,
 * no certificate authority, no transparency log, no CT log, or a key type sigstore-java 2.0.0
 * cannot load (it knows only P-256 ECDSA, RSA and Ed25519 keys; sigstore-java.md L6).
 */
public final class SigstoreTrustRoot {
  /** A trusted root is a few KiB; anything past this is not one. */
  private static final long MAX_BYTES = 4L * 1024 * 1024;

  private static final String PUBLIC_GOOD_RESOURCE = "/dev/modelgate/trust/sigstore-public-good-trusted_root.json";

  private final String source;
  final FulcioVerifier fulcio;
  final RekorVerifier rekor;
  final TimestampVerifier timestamps;
  final List<CertificateAuthority> certificateAuthorities;

  private SigstoreTrustRoot(String source, SigstoreTrustedRoot root) {
    this.source = source;
    if (root.getCAs().isEmpty()) {
      throw invalid(source, "lists no certificate authority (Fulcio)");
    }
    if (root.getTLogs().isEmpty()) {
      throw invalid(source, "lists no transparency log (Rekor)");
    }
    if (root.getCTLogs().isEmpty()) {
      throw invalid(source, "lists no certificate transparency log; sigstore-java 2.0.0 requires an SCT");
    }
    try {
      this.fulcio = FulcioVerifier.newFulcioVerifier(root);
      this.rekor = RekorVerifier.newRekorVerifier(root);
      this.timestamps = TimestampVerifier.newTimestampVerifier(root);
      this.certificateAuthorities = List.copyOf(root.getCAs());
    } catch (Exception | LinkageError e) {
      throw invalid(source, "has keys or certificates that cannot be used: " + e.getMessage());
    }
  }

  /** The Sigstore public-good trusted root embedded in ModelGate (see the resource's README). */
  public static SigstoreTrustRoot publicGood() {
    try (InputStream in = SigstoreTrustRoot.class.getResourceAsStream(PUBLIC_GOOD_RESOURCE)) {
      if (in == null) {
        throw invalid("embedded public-good trusted root", "is missing from the jar");
      }
      return fromJson(in.readAllBytes(), "embedded public-good trusted root");
    } catch (IOException e) {
      throw invalid("embedded public-good trusted root", "cannot be read: " + e.getMessage());
    }
  }

  public static SigstoreTrustRoot fromFile(Path file) {
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw invalid(file.toString(), "is larger than " + MAX_BYTES + " bytes");
      }
      return fromJson(Files.readAllBytes(file), file.toString());
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(Reason.NOT_FOUND, "trusted root " + file + " does not exist", e);
    } catch (IOException e) {
      throw invalid(file.toString(), "cannot be read: " + e.getMessage());
    }
  }

  /** From the bytes of a {@code trusted_root.json} (a file, a ConfigMap key, an inline string). */
  public static SigstoreTrustRoot fromJson(byte[] json, String source) {
    if (json.length == 0) {
      throw invalid(source, "is empty");
    }
    if (json.length > MAX_BYTES) {
      throw invalid(source, "is larger than " + MAX_BYTES + " bytes");
    }
    SigstoreTrustedRoot root;
    try {
      root = SigstoreTrustedRoot.from(new ByteArrayInputStream(json));
    } catch (Exception e) {
      throw invalid(source, "is not a Sigstore trusted root: " + e.getMessage());
    }
    return new SigstoreTrustRoot(source, root);
  }

  public String source() {
    return source;
  }

  private static InvalidInputException invalid(String source, String problem) {
    return new InvalidInputException(Reason.TRUST_ROOT_INVALID, "trusted root " + source + " " + problem);
  }
}
