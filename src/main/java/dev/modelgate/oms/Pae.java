package dev.modelgate.oms;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * DSSE Pre-Authentication Encoding: the bytes a DSSE signature actually covers.
 *
 * <p>DSSE v1: {@code "DSSEv1" SP len(type) SP type SP len(body) SP body}, lengths as ASCII decimal
 * byte counts of the raw (not base64) values.
 */
public final class Pae {
  private Pae() {}

  public static byte[] encode(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + type.length + 32);
    out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(type);
    out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /**
   * The encoding model_signing v0.2.0 signed by mistake ({@code pae_compat}): UTF-8 of {@code
   * "DSSEV1 <len(type)> <type> <len(body)> " + repr(body)}, with a capital V and Python's {@code
   * b'...'} repr of the payload bytes. Only the legacy {@code Digests/v0.1} predicate may use it.
   */
  public static byte[] encodeLegacyV02(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    String text =
        "DSSEV1 "
            + type.length
            + " "
            + payloadType
            + " "
            + payload.length
            + " "
            + PythonBytesRepr.of(payload);
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
