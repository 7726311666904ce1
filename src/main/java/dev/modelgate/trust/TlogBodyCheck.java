package dev.modelgate.trust;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.core.StrictJson;
import dev.modelgate.oms.DsseEnvelope;
import dev.modelgate.oms.HashAlgorithm;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The transparency-log entry records this envelope: otherwise a valid log entry for some other
 * signature could vouch for this one. Rekor v1 {@code dsse} 0.0.1 bodies carry sha256(payload), the
 * signature and the signing certificate (PEM); Rekor v2 logs DSSE as {@code hashedrekord} 0.0.2
 * with the digest of the PAE (sigstore-java.md L3).
 */
final class TlogBodyCheck {
  private TlogBodyCheck() {}

  static Optional<Failure> check(
      String canonicalizedBodyBase64, DsseEnvelope envelope, X509Certificate leaf) {
    StrictJson json =
        StrictJson.forDocument(Reason.TLOG_ENTRY_MISMATCH, "transparency-log entry body");
    try {
      JsonNode body = json.parse(Base64.getDecoder().decode(canonicalizedBodyBase64));
      String kind =
          json.text(body, "kind", "kind") + ":" + json.text(body, "apiVersion", "apiVersion");
      JsonNode spec = json.object(body, "spec", "spec");
      byte[] payload = envelope.payload().toArray();
      byte[] sig = envelope.signatures().get(0).sig().toArray();
      switch (kind) {
        case "dsse:0.0.1":
          return dsseV001(json, spec, payload, sig, leaf);
        case "hashedrekord:0.0.2":
          return hashedRekordV002(json, spec, envelope.pae(), sig, leaf);
        default:
          return Optional.of(
              Failure.of(
                  Reason.TLOG_ENTRY_MISMATCH,
                  "transparency-log entry is of kind %s; expected dsse:0.0.1 or hashedrekord:0.0.2",
                  kind));
      }
    } catch (InvalidInputException e) {
      return Optional.of(e.toFailure());
    } catch (IllegalArgumentException e) {
      return Optional.of(
          Failure.of(
              Reason.TLOG_ENTRY_MISMATCH,
              "transparency-log entry body is not base64: %s",
              e.getMessage()));
    }
  }

  private static Optional<Failure> dsseV001(
      StrictJson json, JsonNode spec, byte[] payload, byte[] sig, X509Certificate leaf) {
    String payloadHash =
        json.text(
            json.object(spec, "payloadHash", "spec.payloadHash"),
            "value",
            "spec.payloadHash.value");
    String expected = HexFormat.of().formatHex(HashAlgorithm.sha256().digest(payload));
    if (!payloadHash.equals(expected)) {
      return mismatch(
          "records payload sha256:%s, but the envelope's payload is sha256:%s",
          payloadHash, expected);
    }
    var sigs = json.array(spec, "signatures", "spec.signatures", true);
    if (sigs.size() != 1) {
      return mismatch("records %d signatures, expected 1", sigs.size());
    }
    byte[] logged =
        Base64.getDecoder()
            .decode(json.text(sigs.get(0), "signature", "spec.signatures[0].signature"));
    if (!Arrays.equals(logged, sig)) {
      return mismatch("records a different signature than the envelope's");
    }
    String verifier =
        new String(
            Base64.getDecoder()
                .decode(json.text(sigs.get(0), "verifier", "spec.signatures[0].verifier")),
            StandardCharsets.US_ASCII);
    X509Certificate loggedCert;
    try {
      loggedCert = PemReader.certificate(verifier, "transparency-log entry verifier");
    } catch (InvalidInputException e) {
      return mismatch("records a verifier that is not a certificate: %s", e.getMessage());
    }
    return sameCertificate(loggedCert, leaf);
  }

  private static Optional<Failure> hashedRekordV002(
      StrictJson json, JsonNode spec, byte[] pae, byte[] sig, X509Certificate leaf) {
    JsonNode h = json.object(spec, "hashedRekordV002", "spec.hashedRekordV002");
    JsonNode data = json.object(h, "data", "spec.hashedRekordV002.data");
    byte[] digest = Base64.getDecoder().decode(json.text(data, "digest", "data.digest"));
    if (!Arrays.equals(digest, HashAlgorithm.sha256().digest(pae))) {
      return mismatch("records a digest that is not sha256 of this envelope's PAE");
    }
    JsonNode signature = json.object(h, "signature", "spec.hashedRekordV002.signature");
    if (!Arrays.equals(
        Base64.getDecoder().decode(json.text(signature, "content", "signature.content")), sig)) {
      return mismatch("records a different signature than the envelope's");
    }
    JsonNode cert =
        json.object(
            json.object(signature, "verifier", "signature.verifier"),
            "x509Certificate",
            "verifier.x509Certificate");
    byte[] der =
        Base64.getDecoder().decode(json.text(cert, "rawBytes", "x509Certificate.rawBytes"));
    try {
      return Arrays.equals(der, leaf.getEncoded())
          ? Optional.empty()
          : mismatch("records a different signing certificate");
    } catch (CertificateEncodingException e) {
      return mismatch("cannot compare certificates: %s", e.getMessage());
    }
  }

  private static Optional<Failure> sameCertificate(X509Certificate logged, X509Certificate leaf) {
    return logged.equals(leaf)
        ? Optional.empty()
        : mismatch(
            "records signing certificate '%s', not the bundle's",
            logged.getSubjectX500Principal().getName());
  }

  private static Optional<Failure> mismatch(String format, Object... args) {
    return Optional.of(
        Failure.of(Reason.TLOG_ENTRY_MISMATCH, "transparency-log entry " + format, args));
  }
}
