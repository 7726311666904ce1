package dev.modelgate.policy.k8s;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task on its own thread when asked, folding a burst of requests into one run: a request
 * made while a run is pending is absorbed by it; one made while a run is under way schedules one
 * more run after it. Informer callbacks only call {@link #request()}, so they never wait for work
 * (java-operator-sdk hands events to an executor in the same way).
 */
final class CoalescingWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CoalescingWorker.class);

  private final ScheduledExecutorService thread;
  private final Runnable task;
  private final Duration settle;
  private final AtomicBoolean pending = new AtomicBoolean();

  /**
   * @param settle how long a request waits for others to join it before the run starts
   */
  CoalescingWorker(String name, Duration settle, Runnable task) {
    this.task = task;
    this.settle = settle;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
  }

  void request() {
    if (pending.compareAndSet(false, true)) {
      thread.schedule(this::run, settle.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Asks for a run every {@code period}, folded in with the requests events make. */
  void every(Duration period) {
    thread.scheduleWithFixedDelay(
        this::request, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void run() {
    pending.set(false);
    try {
      task.run();
    } catch (RuntimeException e) {
      // The previous snapshot stays in force; the next event or period tries again.
      log.error("{} failed; keeping the previous result", Thread.currentThread().getName(), e);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
