package dev.modelgate.core;

/** Named limits on untrusted input, each with the reason for its size. Checked before any work. */
public final class Limits {
  /**
   * Largest signature bundle read: real OMS bundles are 1.5-10 KiB, a sharded manifest of a
   * multi-terabyte model with 1 GB shards stays well under 1 MiB; 16 MiB leaves room for very many
   * small files while bounding memory.
   */
  public static final long MAX_BUNDLE_BYTES = 16L * 1024 * 1024;

  /** Most resources one signature may list, bounding the manifest held in memory. */
  public static final int MAX_RESOURCES = 1_000_000;

  /** Most files walked in one model directory, bounding memory for hostile trees. */
  public static final int MAX_MODEL_FILES = 1_000_000;

  /** Deepest JSON nesting accepted in a bundle or statement (real ones nest under 10 levels). */
  public static final int MAX_JSON_DEPTH = 64;

  /** Longest relative path accepted, as Linux PATH_MAX. */
  public static final int MAX_PATH_CHARS = 4096;

  /** Smallest shard size accepted; tiny shards would blow up the manifest. */
  public static final long MIN_SHARD_BYTES = 1;

  /** Read buffer per hashing task, as the reference's 1 MiB chunk size. */
  public static final int HASH_CHUNK_BYTES = 1 << 20;

  private Limits() {}
}
