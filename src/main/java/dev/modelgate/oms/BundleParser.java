package dev.modelgate.oms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.Bytes;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Limits;
import dev.modelgate.core.Reason;
import dev.modelgate.core.StrictJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Parses a Sigstore bundle v0.3 with a DSSE envelope into typed values, tolerating what the
 * reference tolerates ({@code keyid} absent, "" or null; no {@code tlogEntries}; {@code
 * publicKey.rawBytes} instead of {@code hint}) and refusing everything else with a specific reason.
 */
public final class BundleParser {
  private final StrictJson json =
      StrictJson.forDocument(Reason.BUNDLE_MALFORMED, "signature bundle");

  /** Reads at most {@link Limits#MAX_BUNDLE_BYTES} from a regular file (never a FIFO or device). */
  public SigstoreBundle read(Path file) {
    return parse(readBytes(file));
  }

  /** A signature file's bytes, within the bundle size limit; not parsed. */
  public static byte[] readBytes(Path file) {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
          && !(Files.isSymbolicLink(file) && Files.isRegularFile(file))) {
        if (!Files.exists(file)) {
          throw new InvalidInputException(
              Reason.NOT_FOUND, "signature file " + file + " does not exist");
        }
        throw new InvalidInputException(
            Reason.BUNDLE_MALFORMED, "signature file " + file + " is not a regular file");
      }
      long size = Files.size(file);
      if (size > Limits.MAX_BUNDLE_BYTES) {
        throw new InvalidInputException(
            Reason.LIMIT_EXCEEDED,
            "signature file "
                + file
                + " has "
                + size
                + " bytes, more than the limit of "
                + Limits.MAX_BUNDLE_BYTES);
      }
      try (InputStream in = Files.newInputStream(file)) {
        byte[] bytes = in.readNBytes((int) Limits.MAX_BUNDLE_BYTES + 1);
        if (bytes.length > Limits.MAX_BUNDLE_BYTES) {
          throw new InvalidInputException(
              Reason.LIMIT_EXCEEDED, "signature file " + file + " grew past the size limit");
        }
        return bytes;
      }
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(
          Reason.NOT_FOUND, "signature file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new InvalidInputException(
          Reason.IO_ERROR, "signature file " + file + " could not be read: " + e.getMessage(), e);
    }
  }

  public SigstoreBundle parse(byte[] bytes) {
    if (bytes.length > Limits.MAX_BUNDLE_BYTES) {
      throw json.fail(Reason.LIMIT_EXCEEDED, "has " + bytes.length + " bytes, more than the limit");
    }
    JsonNode root = json.parse(bytes);
    if (!root.isObject()) {
      throw json.fail("is not a JSON object");
    }
    String mediaType = json.text(root, "mediaType", "mediaType");
    if (!mediaType.equals(SigstoreBundle.MEDIA_TYPE_V03)
        && !mediaType.equals(SigstoreBundle.MEDIA_TYPE_V03_ALT)) {
      throw json.fail(
          Reason.BUNDLE_VERSION_UNSUPPORTED,
          "has mediaType '"
              + Digest.abbreviate(mediaType)
              + "', expected "
              + SigstoreBundle.MEDIA_TYPE_V03);
    }
    VerificationMaterial material =
        material(json.object(root, "verificationMaterial", "verificationMaterial"), bytes);
    if (root.has("messageSignature") && !root.has("dsseEnvelope")) {
      throw json.fail("carries a messageSignature; OMS signatures are DSSE envelopes");
    }
    DsseEnvelope envelope = envelope(json.object(root, "dsseEnvelope", "dsseEnvelope"));
    return new SigstoreBundle(
        mediaType,
        material,
        envelope,
        Digest.of(HashAlgorithm.SHA256, HashAlgorithm.sha256().digest(bytes)).toString());
  }

  private VerificationMaterial material(JsonNode vm, byte[] bundleJson) {
    int kinds = 0;
    for (String k : List.of("publicKey", "x509CertificateChain", "certificate")) {
      if (vm.hasNonNull(k)) {
        kinds++;
      }
    }
    if (kinds != 1) {
      throw json.fail(
          "has "
              + kinds
              + " kinds of verificationMaterial, expected exactly one of publicKey, "
              + "x509CertificateChain, certificate");
    }
    List<JsonNode> tlog = json.array(vm, "tlogEntries", "verificationMaterial.tlogEntries", false);
    if (vm.hasNonNull("publicKey")) {
      JsonNode pk = json.object(vm, "publicKey", "verificationMaterial.publicKey");
      String hint = json.optionalText(pk, "hint", "verificationMaterial.publicKey.hint");
      String raw = json.optionalText(pk, "rawBytes", "verificationMaterial.publicKey.rawBytes");
      return new VerificationMaterial.PublicKey(
          hint, Bytes.copyOf(base64(raw, "publicKey.rawBytes")));
    }
    if (vm.hasNonNull("x509CertificateChain")) {
      JsonNode chain =
          json.object(vm, "x509CertificateChain", "verificationMaterial.x509CertificateChain");
      List<JsonNode> items =
          json.array(chain, "certificates", "x509CertificateChain.certificates", true);
      if (items.isEmpty()) {
        throw json.fail("has an empty x509CertificateChain");
      }
      if (items.size() > 10) {
        throw json.fail(
            Reason.LIMIT_EXCEEDED, "has " + items.size() + " chain certificates, more than 10");
      }
      List<X509Certificate> certs = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        certs.add(certificate(items.get(i), "x509CertificateChain.certificates[" + i + "]"));
      }
      return new VerificationMaterial.CertificateChain(certs);
    }
    X509Certificate cert =
        certificate(
            json.object(vm, "certificate", "verificationMaterial.certificate"), "certificate");
    if (tlog.isEmpty()) {
      // OMS spec test vector invalid/missing-tlog-entries: keyless needs a log entry.
      throw json.fail("has a keyless certificate but no tlogEntries");
    }
    return new VerificationMaterial.Keyless(cert, tlog.size(), Bytes.copyOf(bundleJson));
  }

  private X509Certificate certificate(JsonNode holder, String where) {
    byte[] der = base64(json.text(holder, "rawBytes", where + ".rawBytes"), where + ".rawBytes");
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      return (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | ClassCastException e) {
      throw json.fail("has " + where + " that is not a DER X.509 certificate: " + e.getMessage());
    }
  }

  private DsseEnvelope envelope(JsonNode env) {
    String payloadType = json.text(env, "payloadType", "dsseEnvelope.payloadType");
    byte[] payload =
        base64(json.text(env, "payload", "dsseEnvelope.payload"), "dsseEnvelope.payload");
    List<JsonNode> sigs = json.array(env, "signatures", "dsseEnvelope.signatures", true);
    if (sigs.size() > 16) {
      throw json.fail(Reason.LIMIT_EXCEEDED, "has " + sigs.size() + " DSSE signatures");
    }
    List<DsseEnvelope.Signature> out = new ArrayList<>();
    for (int i = 0; i < sigs.size(); i++) {
      JsonNode s = sigs.get(i);
      String where = "dsseEnvelope.signatures[" + i + "]";
      if (!s.isObject()) {
        throw json.fail("has " + where + " that is not an object");
      }
      byte[] sig = base64(json.text(s, "sig", where + ".sig"), where + ".sig");
      if (sig.length == 0) {
        throw json.fail("has an empty " + where + ".sig");
      }
      out.add(
          new DsseEnvelope.Signature(
              Bytes.copyOf(sig), json.optionalText(s, "keyid", where + ".keyid")));
    }
    return new DsseEnvelope(payloadType, Bytes.copyOf(payload), out);
  }

  /** Protobuf JSON accepts both the standard and the URL-safe base64 alphabets. */
  private byte[] base64(String text, String where) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException standard) {
      try {
        return Base64.getUrlDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw json.fail("has " + where + " that is not base64");
      }
    }
  }
}
