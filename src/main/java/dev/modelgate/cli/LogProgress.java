package dev.modelgate.cli;

import dev.modelgate.oms.HashProgress;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hashing progress as log lines (for containers, where there is no terminal): one every few
 * seconds.
 */
final class LogProgress implements HashProgress {
  private static final long EVERY_NANOS = 5_000_000_000L;
  private final PrintWriter err;
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong last = new AtomicLong(System.nanoTime());
  private volatile long total;

  LogProgress(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void started(long totalBytes, int files) {
    total = totalBytes;
    err.printf("modelgate: hashing %d files, %s%n", files, TerminalProgress.human(totalBytes));
    err.flush();
  }

  @Override
  public void advanced(long bytes) {
    long now = done.addAndGet(bytes);
    long t = System.nanoTime();
    long l = last.get();
    if (t - l >= EVERY_NANOS && last.compareAndSet(l, t)) {
      err.printf(
          "modelgate: hashed %s of %s (%d%%)%n",
          TerminalProgress.human(now),
          TerminalProgress.human(total),
          total == 0 ? 100 : now * 100 / total);
      err.flush();
    }
  }
}
