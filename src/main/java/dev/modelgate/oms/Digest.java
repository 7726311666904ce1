package dev.modelgate.oms;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A digest value: an algorithm and its bytes. Immutable; bytes are copied in and out, {@code
 * equals} runs in constant time, and {@code toString} is the canonical {@code algorithm:hex}.
 */
public final class Digest {
  private static final HexFormat HEX = HexFormat.of();

  private final HashAlgorithm algorithm;
  private final byte[] bytes;

  private Digest(HashAlgorithm algorithm, byte[] bytes) {
    this.algorithm = algorithm;
    this.bytes = bytes;
  }

  public static Digest of(HashAlgorithm algorithm, byte[] bytes) {
    Objects.requireNonNull(algorithm, "algorithm");
    if (bytes.length != algorithm.digestLength()) {
      throw new InvalidInputException(
          Reason.DIGEST_MALFORMED,
          String.format(
              "a %s digest has %d bytes, got %d",
              algorithm.omsName(), algorithm.digestLength(), bytes.length));
    }
    return new Digest(algorithm, bytes.clone());
  }

  /**
   * Parses lowercase hex as written in OMS payloads. Uppercase is refused: the reference writes
   * lowercase and a digest has exactly one spelling.
   */
  public static Digest fromHex(HashAlgorithm algorithm, String hex) {
    if (hex.length() != algorithm.digestLength() * 2) {
      throw new InvalidInputException(
          Reason.DIGEST_MALFORMED,
          String.format(
              "a %s digest has %d hex characters, got %d ('%s')",
              algorithm.omsName(), algorithm.digestLength() * 2, hex.length(), abbreviate(hex)));
    }
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new InvalidInputException(
            Reason.DIGEST_MALFORMED, "digest is not lowercase hex: '" + abbreviate(hex) + "'");
      }
    }
    return new Digest(algorithm, HEX.parseHex(hex));
  }

  /** Parses {@code algorithm:hex}, the form {@link #toString()} produces. */
  public static Digest parse(String text) {
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new InvalidInputException(
          Reason.DIGEST_MALFORMED, "expected algorithm:hex, got '" + abbreviate(text) + "'");
    }
    return fromHex(HashAlgorithm.fromOmsName(text.substring(0, colon)), text.substring(colon + 1));
  }

  public HashAlgorithm algorithm() {
    return algorithm;
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public String hex() {
    return HEX.formatHex(bytes);
  }

  /** Appends the raw bytes to a hasher without copying them out. */
  void feed(StreamHasher hasher) {
    hasher.update(bytes, 0, bytes.length);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Digest)) {
      return false;
    }
    Digest other = (Digest) o;
    if (algorithm != other.algorithm || bytes.length != other.bytes.length) {
      return false;
    }
    // Constant time, so a comparison leaks nothing about how many leading bytes matched.
    int diff = 0;
    for (int i = 0; i < bytes.length; i++) {
      diff |= bytes[i] ^ other.bytes[i];
    }
    return diff == 0;
  }

  @Override
  public int hashCode() {
    return 31 * algorithm.hashCode() + Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return algorithm.omsName() + ":" + hex();
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
