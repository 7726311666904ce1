package dev.modelgate.cli;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.HashAlgorithm;
import dev.modelgate.oms.Serialization;
import picocli.CommandLine.Option;

/** How sign and digest hash a model. verify always uses what the signature says. */
final class HashOptions {
  @Option(
      names = "--hash-algorithm",
      paramLabel = "ALG",
      defaultValue = "sha256",
      description =
          "sha256 (default; the only one model_signing's CLI verifies), blake2b or blake3.")
  String hashAlgorithm;

  @Option(
      names = "--shard-size",
      paramLabel = "BYTES",
      description = {
        "Hash files in shards of this many bytes instead of whole (OMS 'shards' serialization),",
        "so one large file is hashed on all cores. model_signing's default is 1000000000."
      })
  Long shardSize;

  Serialization serialization(boolean allowSymlinks) {
    HashAlgorithm alg = HashAlgorithm.fromOmsName(hashAlgorithm);
    if (shardSize == null) {
      return Serialization.files(alg, allowSymlinks);
    }
    if (shardSize < 1 || shardSize > Serialization.MAX_SHARD_SIZE) {
      throw new InvalidInputException(
          Reason.LIMIT_EXCEEDED, "--shard-size must be from 1 to 2^53, got " + shardSize);
    }
    return Serialization.shards(alg, shardSize, allowSymlinks);
  }
}
