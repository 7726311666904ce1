package dev.modelgate.trust;

import dev.modelgate.oms.HashAlgorithm;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The {@code publicKey.hint} of OMS key bundles: lowercase hex SHA-256 of the key's PEM text
 * exactly as Python {@code cryptography} writes it, base64 lines of 64 characters and a trailing
 * newline (model_signing {@code sign_ec_key.py}).
 */
public final class PublicKeyHint {
  private PublicKeyHint() {}

  public static String of(PublicKey key) {
    return HexFormat.of()
        .formatHex(HashAlgorithm.sha256().digest(pem(key).getBytes(StandardCharsets.US_ASCII)));
  }

  public static String pem(PublicKey key) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded());
    return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
  }
}
