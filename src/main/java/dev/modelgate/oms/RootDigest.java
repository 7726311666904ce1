package dev.modelgate.oms;

import java.util.List;

/**
 * The OMS root digest: SHA-256 over the raw bytes of every resource digest, in the order given,
 * with no separators (OMS spec 6.5.1; model_signing {@code signing.py}). It is always SHA-256,
 * whatever the resource hash is. An empty list gives sha256 of the empty string.
 */
public final class RootDigest {
  private RootDigest() {}

  public static Digest of(List<Resource> resources) {
    StreamHasher h = HashAlgorithm.SHA256.newHasher();
    for (Resource r : resources) {
      r.digest().feed(h);
    }
    return Digest.of(HashAlgorithm.SHA256, h.finish());
  }
}
