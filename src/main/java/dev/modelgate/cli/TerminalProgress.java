package dev.modelgate.cli;

import dev.modelgate.oms.HashProgress;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shows hashing progress on stderr for long runs: on a terminal, one line redrawn a few times a
 * second; elsewhere nothing, so logs and pipes stay clean.
 */
final class TerminalProgress implements HashProgress {
  private static final long MIN_BYTES_TO_SHOW = 256L << 20;
  private static final long REDRAW_NANOS = 250_000_000L;

  private final PrintWriter err;
  private final boolean enabled;
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong lastDraw = new AtomicLong();
  private volatile long total;
  private volatile long startNanos;
  private volatile boolean drawn;

  TerminalProgress(PrintWriter err, boolean enabled) {
    this.err = err;
    this.enabled = enabled;
  }

  static TerminalProgress forConsole(PrintWriter err) {
    return new TerminalProgress(err, System.console() != null);
  }

  @Override
  public void started(long totalBytes, int files) {
    total = totalBytes;
    startNanos = System.nanoTime();
  }

  @Override
  public void advanced(long bytes) {
    long now = done.addAndGet(bytes);
    if (!enabled || total < MIN_BYTES_TO_SHOW) {
      return;
    }
    long t = System.nanoTime();
    long last = lastDraw.get();
    if (t - last >= REDRAW_NANOS && lastDraw.compareAndSet(last, t)) {
      draw(now, t);
    }
  }

  @Override
  public void finished() {
    if (drawn) {
      draw(done.get(), System.nanoTime());
      err.println();
    }
  }

  private synchronized void draw(long bytes, long nanos) {
    double seconds = Math.max(1e-9, (nanos - startNanos) / 1e9);
    err.printf(
        Locale.ROOT,
        "\rhashing %s of %s (%d%%), %s/s   ",
        human(bytes),
        human(total),
        total == 0 ? 100 : bytes * 100 / total,
        human((long) (bytes / seconds)));
    err.flush();
    drawn = true;
  }

  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
