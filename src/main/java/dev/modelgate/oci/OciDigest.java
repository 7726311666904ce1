package dev.modelgate.oci;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** A content digest as OCI writes it: {@code sha256:<64 hex>} (or sha512). */
public record OciDigest(String algorithm, String hex) {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern SHA512 = Pattern.compile("[0-9a-f]{128}");

  public OciDigest {
    boolean ok =
        ("sha256".equals(algorithm) && SHA256.matcher(hex).matches())
            || ("sha512".equals(algorithm) && SHA512.matcher(hex).matches());
    if (!ok) {
      throw new InvalidInputException(
          Reason.DIGEST_MALFORMED,
          "'" + algorithm + ":" + abbreviate(hex) + "' is not a sha256 or sha512 OCI digest");
    }
  }

  public static OciDigest parse(String text) {
    int colon = text == null ? -1 : text.indexOf(':');
    if (colon < 0) {
      throw new InvalidInputException(
          Reason.DIGEST_MALFORMED,
          "'" + abbreviate(String.valueOf(text)) + "' is not an OCI digest (algorithm:hex)");
    }
    return new OciDigest(
        text.substring(0, colon).toLowerCase(Locale.ROOT), text.substring(colon + 1));
  }

  public static OciDigest sha256(byte[] content) {
    return new OciDigest("sha256", HexFormat.of().formatHex(newDigest("sha256").digest(content)));
  }

  public MessageDigest newHasher() {
    return newDigest(algorithm);
  }

  public boolean matches(byte[] content) {
    return MessageDigest.isEqual(newHasher().digest(content), HexFormat.of().parseHex(hex));
  }

  public boolean matchesHash(byte[] hash) {
    return MessageDigest.isEqual(hash, HexFormat.of().parseHex(hex));
  }

  private static MessageDigest newDigest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm.equals("sha256") ? "SHA-256" : "SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The referrers fallback tag: {@code sha256-<hex>} (OCI distribution spec 1.1). */
  public String referrersTag() {
    return algorithm + "-" + hex;
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
