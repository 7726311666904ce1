package dev.modelgate.oms;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.digests.Blake3Digest;

/**
 * Hash algorithms the OMS algorithm registry names: sha256 (required), blake2b (64-byte digest,
 * Python {@code hashlib.blake2b} defaults) and blake3 (32 bytes).
 */
public enum HashAlgorithm {
  SHA256("sha256", 32),
  BLAKE2B("blake2b", 64),
  BLAKE3("blake3", 32);

  private final String omsName;
  private final int digestLength;

  HashAlgorithm(String omsName, int digestLength) {
    this.omsName = omsName;
    this.digestLength = digestLength;
  }

  /** The name written in {@code hash_type} and {@code resources[].algorithm}. */
  public String omsName() {
    return omsName;
  }

  public int digestLength() {
    return digestLength;
  }

  /** Parses an OMS algorithm name; unknown names are refused. */
  public static HashAlgorithm fromOmsName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (HashAlgorithm a : values()) {
      if (a.omsName.equals(lower)) {
        return a;
      }
    }
    throw new InvalidInputException(
        Reason.HASH_ALGORITHM_UNSUPPORTED,
        "unsupported hash algorithm '" + name + "' (supported: sha256, blake2b, blake3)");
  }

  /** A fresh, single-threaded hasher. */
  public StreamHasher newHasher() {
    switch (this) {
      case SHA256:
        return new JcaHasher(sha256());
      case BLAKE2B:
        return new BouncyCastleHasher(new Blake2bDigest(512));
      case BLAKE3:
        return new BouncyCastleHasher(new Blake3Digest(256));
      default:
        throw new IllegalStateException("no hasher for " + this);
    }
  }

  /** A JCA SHA-256 digest; every Java platform is required to have one. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  private static final class JcaHasher implements StreamHasher {
    private final MessageDigest md;

    JcaHasher(MessageDigest md) {
      this.md = md;
    }

    @Override
    public void update(byte[] bytes, int offset, int length) {
      md.update(bytes, offset, length);
    }

    @Override
    public byte[] finish() {
      return md.digest();
    }
  }

  private static final class BouncyCastleHasher implements StreamHasher {
    private final Digest digest;

    BouncyCastleHasher(Digest digest) {
      this.digest = digest;
    }

    @Override
    public void update(byte[] bytes, int offset, int length) {
      digest.update(bytes, offset, length);
    }

    @Override
    public byte[] finish() {
      byte[] out = new byte[digest.getDigestSize()];
      digest.doFinal(out, 0);
      return out;
    }
  }
}
