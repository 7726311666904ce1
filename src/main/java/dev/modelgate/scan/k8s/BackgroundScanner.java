package dev.modelgate.scan.k8s;

import dev.modelgate.core.k8s.LeaseCampaign;
import dev.modelgate.scan.BackgroundScan;
import dev.modelgate.scan.ScanReport;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Runs background verification on one replica: the one holding the scan Lease (its own, not the
 * certificate Lease, so the two jobs may land on different replicas). The leader scans at once,
 * then every {@code interval}, and whenever {@link #request()} is called (a policy or trust root
 * changed); requests that arrive while a scan is pending fold into it, one that arrives while a
 * scan runs makes one more. Other replicas only campaign. Losing the Lease stops the schedule; a
 * scan under way finishes.
 */
public final class BackgroundScanner implements AutoCloseable {
  private static final Logger log = Logger.getLogger(BackgroundScanner.class);

  /** How long a triggered scan waits for other triggers of the same burst. */
  static final Duration SETTLE = Duration.ofSeconds(1);

  private final KubernetesClient client;
  private final BackgroundScan scan;
  private final Consumer<ScanReport> afterScan;
  private final Runnable onFailure;
  private final String namespace;
  private final String lease;
  private final String identity;
  private final Duration interval;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "modelgate-scan");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicLong scans = new AtomicLong();
  private volatile boolean leading;
  private volatile ScheduledFuture<?> periodic;
  private volatile CompletableFuture<?> election;

  public BackgroundScanner(
      KubernetesClient client,
      BackgroundScan scan,
      Consumer<ScanReport> afterScan,
      Runnable onFailure,
      String namespace,
      String lease,
      String identity,
      Duration interval) {
    this.client = client;
    this.scan = scan;
    this.afterScan = afterScan;
    this.onFailure = onFailure;
    this.namespace = namespace;
    this.lease = lease;
    this.identity = identity;
    this.interval = interval;
  }

  public boolean leading() {
    return leading;
  }

  /** Scans this replica ran (as leader). */
  public long scans() {
    return scans.get();
  }

  /** Starts campaigning for the scan Lease. */
  public void start() {
    election =
        LeaseCampaign.start(
            client,
            "modelgate-scan",
            namespace,
            lease,
            identity,
            this::startLeading,
            this::stopLeading,
            leader -> {});
  }

  /** Asks the leader for a scan soon; on other replicas it does nothing. */
  public void request() {
    if (leading && pending.compareAndSet(false, true)) {
      thread.schedule(this::scanQuietly, SETTLE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void startLeading() {
    leading = true;
    log.infof(
        "%s runs background verification (Lease %s/%s, every %s)",
        identity, namespace, lease, interval);
    periodic =
        thread.scheduleWithFixedDelay(
            () -> {
              pending.set(true);
              scanQuietly();
            },
            0,
            interval.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  private void stopLeading() {
    leading = false;
    ScheduledFuture<?> p = periodic;
    if (p != null) {
      p.cancel(false);
    }
    log.infof("%s no longer runs background verification", identity);
  }

  private void scanQuietly() {
    if (!pending.getAndSet(false) || !leading) {
      return;
    }
    try {
      ScanReport report = scan.run();
      scans.incrementAndGet();
      afterScan.accept(report);
    } catch (RuntimeException e) {
      onFailure.run();
      // The reports stay as the last scan left them; the next period or change tries again.
      log.errorf(e, "background verification failed; reports unchanged");
    }
  }

  @Override
  public void close() {
    CompletableFuture<?> e = election;
    if (e != null) {
      e.cancel(true);
    }
    thread.shutdownNow();
  }
}
