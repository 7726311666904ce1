package dev.modelgate.trust;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.core.StrictJson;
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

  private static final String PUBLIC_GOOD_RESOURCE =
      "/dev/modelgate/trust/sigstore-public-good-trusted_root.json";

  /**
   * The only ClientTrustConfig version protobuf-specs defines ("MUST be" this,
   * sigstore_trustroot.proto).
   */
  static final String CLIENT_TRUST_CONFIG_MEDIA_TYPE =
      "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json";

  private final String source;
  final FulcioVerifier fulcio;
  final RekorVerifier rekor;
  final TimestampVerifier timestamps;
  final List<CertificateAuthority> certificateAuthorities;
  private final boolean hasTimestampAuthorities;

  private SigstoreTrustRoot(String source, SigstoreTrustedRoot root) {
    this.source = source;
    if (root.getCAs().isEmpty()) {
      throw invalid(source, "lists no certificate authority (Fulcio)");
    }
    if (root.getTLogs().isEmpty()) {
      throw invalid(source, "lists no transparency log (Rekor)");
    }
    if (root.getCTLogs().isEmpty()) {
      throw invalid(
          source, "lists no certificate transparency log; sigstore-java 2.0.0 requires an SCT");
    }
    try {
      this.fulcio = FulcioVerifier.newFulcioVerifier(root);
      this.rekor = RekorVerifier.newRekorVerifier(root);
      this.timestamps = TimestampVerifier.newTimestampVerifier(root);
      this.certificateAuthorities = List.copyOf(root.getCAs());
      this.hasTimestampAuthorities = !root.getTSAs().isEmpty();
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
    return fromJson(read(file, "trusted root"), file.toString());
  }

  /** The bytes of {@code file}, at most {@link #MAX_BYTES}; {@code what} names it in errors. */
  private static byte[] read(Path file, String what) {
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw problem(what, file.toString(), "is larger than " + MAX_BYTES + " bytes");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(Reason.NOT_FOUND, what + " " + file + " does not exist", e);
    } catch (IOException e) {
      throw problem(what, file.toString(), "cannot be read: " + e.getMessage());
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

  /**
   * From a Sigstore {@code ClientTrustConfig} file, the {@code --trust-config} of model_signing 1.1
   * ({@code sigstore_models.ClientTrustConfig.from_json} in
   * src/model_signing/_signing/sign_sigstore.py of sigstore/model-transparency @ e3430730). Only
   * its {@code trustedRoot} matters for verifying; its {@code signingConfig} (where to sign:
   * Fulcio, Rekor, TSA URLs) is read past, as model_signing's verifier does.
   */
  public static SigstoreTrustRoot fromClientTrustConfigFile(Path file) {
    return fromClientTrustConfig(read(file, "trust config"), file.toString());
  }

  /** Whether the root lists an RFC 3161 timestamp authority (a bundle's timestamps need one). */
  boolean hasTimestampAuthorities() {
    return hasTimestampAuthorities;
  }

  /**
   * From the bytes of a {@code ClientTrustConfig} (protobuf-specs {@code
   * dev.sigstore.trustroot.v1.ClientTrustConfig}): its media type must be the one version that
   * exists, its trusted root must be present, and no field outside the message is accepted
   * (protobuf JSON names, camelCase or snake_case, are both read as protobuf's parser reads them).
   */
  public static SigstoreTrustRoot fromClientTrustConfig(byte[] json, String source) {
    if (json.length == 0) {
      throw invalidConfig(source, "is empty");
    }
    if (json.length > MAX_BYTES) {
      throw invalidConfig(source, "is larger than " + MAX_BYTES + " bytes");
    }
    JsonNode doc =
        StrictJson.forDocument(Reason.TRUST_ROOT_INVALID, "trust config " + source).parse(json);
    if (!doc.isObject()) {
      throw invalidConfig(source, "is not a JSON object");
    }
    JsonNode trustedRoot = null;
    for (var it = doc.fields(); it.hasNext(); ) {
      var field = it.next();
      switch (field.getKey()) {
        case "mediaType", "media_type" -> {
          if (!field.getValue().isTextual()
              || !CLIENT_TRUST_CONFIG_MEDIA_TYPE.equals(field.getValue().asText())) {
            boolean trustedRootFile =
                field.getValue().asText().startsWith("application/vnd.dev.sigstore.trustedroot");
            throw invalidConfig(
                source,
                "has mediaType "
                    + field.getValue()
                    + ", expected \""
                    + CLIENT_TRUST_CONFIG_MEDIA_TYPE
                    + "\""
                    + (trustedRootFile
                        ? " (this is a trusted_root.json: pass it as a trusted root, --trusted-root or sigstore.trustedRoot)"
                        : ""));
          }
        }
        case "trustedRoot", "trusted_root" -> {
          if (trustedRoot != null) {
            throw invalidConfig(
                source, "has its trusted root twice (trustedRoot and trusted_root)");
          }
          trustedRoot = field.getValue();
        }
        case "signingConfig", "signing_config" -> {
          // Signing endpoints; verification never contacts them.
        }
        default ->
            throw invalidConfig(
                source,
                "has an unknown field '"
                    + field.getKey()
                    + "'; is this a Sigstore ClientTrustConfig?");
      }
    }
    if (!doc.has("mediaType") && !doc.has("media_type")) {
      throw invalidConfig(
          source,
          "has no mediaType; a ClientTrustConfig says \"" + CLIENT_TRUST_CONFIG_MEDIA_TYPE + "\"");
    }
    if (trustedRoot == null || !trustedRoot.isObject()) {
      throw invalidConfig(source, "has no trustedRoot object");
    }
    byte[] rootJson;
    try {
      rootJson = StrictJson.mapper().writeValueAsBytes(trustedRoot);
    } catch (IOException e) {
      throw invalidConfig(source, "cannot be read: " + e.getMessage());
    }
    return fromJson(rootJson, source + " (its trustedRoot)");
  }

  public String source() {
    return source;
  }

  private static InvalidInputException invalidConfig(String source, String problem) {
    return problem("trust config", source, problem);
  }

  private static InvalidInputException invalid(String source, String problem) {
    return problem("trusted root", source, problem);
  }

  private static InvalidInputException problem(String what, String source, String problem) {
    return new InvalidInputException(
        Reason.TRUST_ROOT_INVALID, what + " " + source + " " + problem);
  }
}
