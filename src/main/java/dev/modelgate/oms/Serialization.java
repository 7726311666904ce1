package dev.modelgate.oms;

import dev.modelgate.core.Limits;
import java.util.List;
import java.util.Objects;

/**
 * The {@code predicate.serialization} block: how the signer hashed the model, and which paths it
 * declared exempt. {@code shardSize} is 0 for the files method.
 */
public record Serialization(
    SerializationMethod method,
    HashAlgorithm hashType,
    boolean allowSymlinks,
    long shardSize,
    List<RelativePath> ignorePaths) {

  /** Largest shard size whose JSON double form is still exact (2^53). */
  public static final long MAX_SHARD_SIZE = 1L << 53;

  public Serialization {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(hashType, "hashType");
    ignorePaths = List.copyOf(ignorePaths);
    if (method == SerializationMethod.FILES && shardSize != 0) {
      throw new IllegalArgumentException("the files method has no shard size");
    }
    if (method == SerializationMethod.SHARDS
        && (shardSize < Limits.MIN_SHARD_BYTES || shardSize > MAX_SHARD_SIZE)) {
      throw new IllegalArgumentException("shard size out of range: " + shardSize);
    }
  }

  public static Serialization files(HashAlgorithm hash, boolean allowSymlinks) {
    return new Serialization(SerializationMethod.FILES, hash, allowSymlinks, 0, List.of());
  }

  public static Serialization shards(HashAlgorithm hash, long shardSize, boolean allowSymlinks) {
    return new Serialization(SerializationMethod.SHARDS, hash, allowSymlinks, shardSize, List.of());
  }

  public Serialization withIgnorePaths(List<RelativePath> paths) {
    return new Serialization(method, hashType, allowSymlinks, shardSize, paths);
  }

  /**
   * The {@code resources[].algorithm} the reference writes: {@code sha256-sharded-N} for shards.
   */
  public String resourceAlgorithm() {
    return method == SerializationMethod.SHARDS
        ? hashType.omsName() + "-sharded-" + shardSize
        : hashType.omsName();
  }

  /**
   * Whether a signed {@code resources[].algorithm} fits this serialization. For shards both the
   * reference form ({@code sha256-sharded-N}) and the spec form ({@code sha256}) are accepted (OMS
   * spec 6.3.2 and the reference disagree; see oms-format.md section 12).
   */
  public boolean acceptsResourceAlgorithm(String algorithm) {
    return algorithm.equals(hashType.omsName())
        || (method == SerializationMethod.SHARDS && algorithm.equals(resourceAlgorithm()));
  }
}
