package dev.modelgate.report;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PolicyReportSink} that writes to a {@link ReportStore} in batches: changes are queued
 * per report and folded ({@link PendingChanges}), and a flush, every {@code interval} or sooner
 * once {@code flushAt} results wait, makes one read and one write per changed report (more only
 * when another replica wrote the same report meanwhile: then it reads again and retries). A burst
 * of admissions is therefore a handful of API writes, whatever its size.
 *
 * <p>Reports are an output, never a gate: nothing here throws to the caller. When the store is
 * unreachable the batch is kept for the next flush (bounded by {@code maxQueued} results; beyond
 * that new results are dropped and counted). When the CRDs are not installed one warning is logged,
 * the batch is dropped, and {@link #reportsAvailable()} is false until a write succeeds.
 */
public final class BatchingReportWriter implements PolicyReportSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BatchingReportWriter.class);

  /** How a flush went, per report: the values the observer is told (a closed set). */
  public enum Outcome {
    WRITTEN,
    CONFLICT,
    NO_CRD,
    ERROR,
    DROPPED
  }

  /** Told of every write attempt and of dropped results, for metrics. */
  public interface Observer {
    Observer NONE = (outcome, results) -> {};

    void observe(Outcome outcome, int results);
  }

  /**
   * @param interval how often queued changes are written
   * @param flushAt queued results that start a flush before the interval is up
   * @param maxQueued most results kept queued while the store cannot be written
   */
  public record Settings(Duration interval, int flushAt, int maxQueued) {
    public static final Settings DEFAULT = new Settings(Duration.ofSeconds(10), 500, 50_000);

    public Settings {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("report flush interval must be positive: " + interval);
      }
      if (flushAt < 1 || maxQueued < flushAt) {
        throw new IllegalArgumentException(
            "need 1 <= flushAt <= maxQueued, got flushAt " + flushAt + ", maxQueued " + maxQueued);
      }
    }
  }

  /** Conflicting writes retried per report and flush before it waits for the next flush. */
  static final int MAX_ATTEMPTS = 5;

  private final ReportStore store;
  private final Settings settings;
  private final Observer observer;
  private final ReentrantLock queueLock = new ReentrantLock();
  private final ReentrantLock flushLock = new ReentrantLock();
  private Map<String, PendingChanges> queued = new HashMap<>();
  private Optional<Set<PendingChanges.Workload>> retainEverywhere = Optional.empty();
  private int queuedResults;
  private final AtomicBoolean flushRequested = new AtomicBoolean();
  private volatile boolean available = true;
  private final ScheduledExecutorService thread;

  public BatchingReportWriter(ReportStore store, Settings settings, Observer observer) {
    this.store = store;
    this.settings = settings;
    this.observer = observer;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "modelgate-reports");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts the periodic flush. */
  public BatchingReportWriter start() {
    long ms = settings.interval().toMillis();
    thread.scheduleWithFixedDelay(this::flushQuietly, ms, ms, TimeUnit.MILLISECONDS);
    return this;
  }

  @Override
  public void merge(WorkloadVerdicts v) {
    enqueue(v.workload(), false, v);
  }

  @Override
  public void replace(WorkloadVerdicts v) {
    enqueue(v.workload(), true, v);
  }

  @Override
  public void remove(ObjectReference workload) {
    enqueue(workload, true, null);
  }

  @Override
  public void retainOnly(Collection<ObjectReference> workloads) {
    Set<PendingChanges.Workload> keep =
        workloads.stream().map(PendingChanges.Workload::of).collect(Collectors.toSet());
    queueLock.lock();
    try {
      queued.values().forEach(p -> p.retain(keep));
      retainEverywhere = Optional.of(keep);
      queuedResults = queued.values().stream().mapToInt(PendingChanges::size).sum();
    } finally {
      queueLock.unlock();
    }
  }

  private void enqueue(ObjectReference workload, boolean clear, WorkloadVerdicts v) {
    var results = v == null ? List.<PolicyReportResult>of() : VerdictResults.of(v);
    String namespace = workload.namespace();
    boolean flushNow;
    queueLock.lock();
    try {
      if (queuedResults + results.size() > settings.maxQueued()) {
        observer.observe(Outcome.DROPPED, results.size());
        log.warn(
            "report results for {} dropped: {} results already wait to be written",
            workload.describe(),
            queuedResults);
        return;
      }
      PendingChanges p =
          queued.computeIfAbsent(
              namespace,
              ns -> retainEverywhere.map(PendingChanges::retaining).orElseGet(PendingChanges::new));
      int before = p.size();
      if (clear) {
        p.clear(PendingChanges.Workload.of(workload));
      }
      results.forEach(p::put);
      queuedResults += p.size() - before;
      flushNow = queuedResults >= settings.flushAt();
    } finally {
      queueLock.unlock();
    }
    if (flushNow && flushRequested.compareAndSet(false, true)) {
      thread.execute(this::flushQuietly);
    }
  }

  /** Results queued and not yet written. */
  public int queued() {
    queueLock.lock();
    try {
      return queuedResults;
    } finally {
      queueLock.unlock();
    }
  }

  /** False once a write found no PolicyReport CRD, until a write succeeds again. */
  public boolean reportsAvailable() {
    return available;
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      log.error("writing policy reports failed; the changes are kept for the next flush", e);
    }
  }

  @Override
  public void flush() {
    flushLock.lock();
    try {
      flushRequested.set(false);
      Map<String, PendingChanges> batch;
      Optional<Set<PendingChanges.Workload>> retain;
      queueLock.lock();
      try {
        batch = queued;
        retain = retainEverywhere;
        queued = new HashMap<>();
        retainEverywhere = Optional.empty();
        queuedResults = 0;
      } finally {
        queueLock.unlock();
      }
      Set<String> namespaces = new LinkedHashSet<>(batch.keySet());
      if (retain.isPresent()) {
        try {
          for (String ns : store.namespaces()) {
            if (namespaces.add(ns)) {
              batch.put(ns, PendingChanges.retaining(retain.get()));
            }
          }
        } catch (RuntimeException e) {
          // Nothing is written: the batch keeps its order against what is queued meanwhile.
          log.warn("policy reports cannot be listed, retried next flush: {}", e.toString());
          observer.observe(
              Outcome.ERROR, batch.values().stream().mapToInt(PendingChanges::size).sum());
          requeue(batch, retain);
          return;
        }
      }
      Map<String, PendingChanges> failed = new HashMap<>();
      for (String ns : namespaces) {
        PendingChanges p = batch.get(ns);
        if (!write(ns, p)) {
          failed.put(ns, p);
        }
      }
      if (!failed.isEmpty()) {
        requeue(failed, Optional.empty());
      }
    } finally {
      flushLock.unlock();
    }
  }

  /** One report: read, fold the changes in, write; true when done (or dropped for good). */
  private boolean write(String namespace, PendingChanges changes) {
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      ReportStore.Write outcome;
      PolicyReport report;
      try {
        Optional<ReportStore.Stored> stored = store.read(namespace);
        report =
            PolicyReports.of(
                namespace,
                changes
                    .applyTo(stored.map(ReportStore.Stored::results).orElse(List.of()))
                    .values());
        outcome = store.write(report, stored.map(ReportStore.Stored::resourceVersion));
      } catch (RuntimeException e) {
        observer.observe(Outcome.ERROR, changes.size());
        log.warn(
            "policy report for {} not written, retried next flush: {}",
            namespace.isEmpty() ? "the cluster" : "namespace " + namespace,
            e.toString());
        return false;
      }
      switch (outcome) {
        case WRITTEN:
          observer.observe(Outcome.WRITTEN, report.results().size());
          if (!available) {
            log.info("PolicyReport CRDs found: policy reports are written again");
          }
          available = true;
          return true;
        case CONFLICT:
          observer.observe(Outcome.CONFLICT, changes.size());
          continue;
        case NO_CRD:
          observer.observe(Outcome.NO_CRD, changes.size());
          if (available) {
            log.warn(
                "the {} PolicyReport and ClusterPolicyReport CRDs are not installed: ModelGate"
                    + " keeps admitting as before and writes no reports until they are (Kyverno and"
                    + " the policy-reports chart install them; see docs/reports.md)",
                PolicyReport.API_VERSION);
          }
          available = false;
          return true;
        default:
          observer.observe(Outcome.ERROR, changes.size());
          return false;
      }
    }
    log.warn(
        "policy report for {} changed under {} attempts; retried next flush",
        namespace.isEmpty() ? "the cluster" : "namespace " + namespace,
        MAX_ATTEMPTS);
    return false;
  }

  /** Puts unwritten changes back in front of those queued meanwhile. */
  private void requeue(
      Map<String, PendingChanges> failed, Optional<Set<PendingChanges.Workload>> retain) {
    queueLock.lock();
    try {
      Map<String, PendingChanges> merged = new HashMap<>(failed);
      for (Map.Entry<String, PendingChanges> e : queued.entrySet()) {
        PendingChanges earlier = merged.get(e.getKey());
        if (earlier == null) {
          PendingChanges start =
              retain.map(PendingChanges::retaining).orElseGet(PendingChanges::new);
          start.then(e.getValue());
          merged.put(e.getKey(), start);
        } else {
          earlier.then(e.getValue());
        }
      }
      if (retain.isPresent()) {
        Set<PendingChanges.Workload> keep = new HashSet<>(retain.get());
        retainEverywhere.ifPresent(keep::retainAll);
        retainEverywhere = Optional.of(keep);
      }
      queued = merged;
      queuedResults = merged.values().stream().mapToInt(PendingChanges::size).sum();
    } finally {
      queueLock.unlock();
    }
  }

  /** Stops the periodic flush after writing what is queued. */
  @Override
  public void close() {
    thread.shutdown();
    flushQuietly();
  }
}
