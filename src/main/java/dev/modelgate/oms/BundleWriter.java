package dev.modelgate.oms;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Limits;
import dev.modelgate.core.Reason;
import dev.modelgate.core.StrictJson;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a Sigstore bundle v0.3 with a DSSE envelope in the reference's layout for the key and
 * certificate methods: {@code tlogEntries: []}, {@code keyid: ""}.
 */
public final class BundleWriter {
  private BundleWriter() {}

  public static byte[] withPublicKeyHint(String hint, byte[] payload, byte[] signature) {
    Map<String, Object> material = new LinkedHashMap<>();
    material.put("publicKey", Map.of("hint", hint));
    material.put("tlogEntries", List.of());
    return write(material, payload, signature);
  }

  public static byte[] withCertificateChain(
      List<X509Certificate> chain, byte[] payload, byte[] signature) {
    List<Object> certs = new ArrayList<>();
    for (X509Certificate c : chain) {
      try {
        certs.add(Map.of("rawBytes", Base64.getEncoder().encodeToString(c.getEncoded())));
      } catch (CertificateEncodingException e) {
        throw new IllegalArgumentException(
            "certificate cannot be encoded: " + c.getSubjectX500Principal(), e);
      }
    }
    Map<String, Object> material = new LinkedHashMap<>();
    material.put("x509CertificateChain", Map.of("certificates", certs));
    material.put("tlogEntries", List.of());
    return write(material, payload, signature);
  }

  /**
   * Room kept for everything in a bundle but the payload: signature, certificate chain or key hint,
   * transparency-log entry (real ones are 1.5-10 KiB in all).
   */
  static final long MATERIAL_RESERVE_BYTES = 256 * 1024;

  /**
   * Refuses a statement whose bundle would exceed {@link Limits#MAX_BUNDLE_BYTES}, before it is
   * signed.
   */
  static void requireFits(long statementBytes, int resources) {
    long base64 = 4 * ((statementBytes + 2) / 3);
    if (base64 + MATERIAL_RESERVE_BYTES > Limits.MAX_BUNDLE_BYTES) {
      throw tooLarge(base64 + MATERIAL_RESERVE_BYTES, " (" + resources + " manifest entries)");
    }
  }

  private static InvalidInputException tooLarge(long bytes, String entries) {
    return new InvalidInputException(
        Reason.LIMIT_EXCEEDED,
        String.format(
            Locale.ROOT,
            "the signature of this model would be about %d bytes%s, more than the %d bytes verify reads;"
                + " nothing was signed. Sign fewer files (an archive of the small ones, or ignore paths), or see docs/BENCHMARKS.md for the supported sizes",
            bytes,
            entries,
            Limits.MAX_BUNDLE_BYTES));
  }

  private static byte[] write(Map<String, Object> material, byte[] payload, byte[] signature) {
    Map<String, Object> sig = new LinkedHashMap<>();
    sig.put("sig", Base64.getEncoder().encodeToString(signature));
    sig.put("keyid", "");
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("payload", Base64.getEncoder().encodeToString(payload));
    envelope.put("payloadType", DsseEnvelope.IN_TOTO_PAYLOAD_TYPE);
    envelope.put("signatures", List.of(sig));
    Map<String, Object> bundle = new LinkedHashMap<>();
    bundle.put("mediaType", SigstoreBundle.MEDIA_TYPE_V03);
    bundle.put("verificationMaterial", material);
    bundle.put("dsseEnvelope", envelope);
    try {
      byte[] out = StrictJson.mapper().writeValueAsString(bundle).getBytes(StandardCharsets.UTF_8);
      if (out.length > Limits.MAX_BUNDLE_BYTES) {
        throw tooLarge(out.length, "");
      }
      return out;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("bundle cannot be written", e);
    }
  }
}
