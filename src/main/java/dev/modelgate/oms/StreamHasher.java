package dev.modelgate.oms;

/** An incremental hash over a byte stream. Not thread-safe; one per task. */
public interface StreamHasher {
  void update(byte[] bytes, int offset, int length);

  /** Ends the stream and returns the digest bytes. The hasher must not be used afterwards. */
  byte[] finish();
}
