package dev.modelgate.oms;

import java.util.Objects;

/** One signed manifest entry: what it covers, the algorithm string as written, and the digest. */
public record Resource(ResourceKey key, String algorithm, Digest digest) {
  public Resource {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(digest, "digest");
  }
}
