package dev.modelgate.oms;

/** Receives progress while a model is hashed. Called from hashing threads; must be thread-safe. */
public interface HashProgress {
  HashProgress NONE = new HashProgress() {};

  default void started(long totalBytes, int files) {}

  default void advanced(long bytes) {}

  default void finished() {}
}
