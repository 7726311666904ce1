package dev.modelgate.runtime;

import dev.modelgate.scan.BackgroundScan;
import dev.modelgate.scan.ModelInventory;
import dev.modelgate.scan.ScanOutcome;
import dev.modelgate.scan.ScanReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Background verification on /q/metrics, set after each scan by the replica that ran it:
 *
 * <ul>
 *   <li>{@code modelgate_models_running{namespace,model_uri,digest,signer,result}}: running pods
 *       per model ({@link ModelInventory}; at most {@code maxSeries} series, the rest summed into
 *       {@code other});
 *   <li>{@code modelgate_scan_workloads{result}}: workloads with models by their worst result;
 *   <li>{@code modelgate_scan_runs_total{outcome}} (completed, failed), {@code
 *       modelgate_scan_verifications_total} (groups decided), {@code
 *       modelgate_scan_last_completed_seconds} (Unix time of the last completed scan).
 * </ul>
 */
final class ScanMetrics {
  private final MultiGauge models;
  private final int maxSeries;
  private final Map<ScanOutcome, AtomicLong> workloads = new EnumMap<>(ScanOutcome.class);
  private final AtomicLong lastCompleted = new AtomicLong();
  private final Counter completed;
  private final Counter failed;

  ScanMetrics(MeterRegistry metrics, BackgroundScan scan, int maxSeries) {
    this.maxSeries = maxSeries;
    this.models =
        MultiGauge.builder("modelgate.models.running")
            .description(
                "Running pods per model, digest, signer and result (bounded; see docs/reports.md)")
            .register(metrics);
    for (ScanOutcome o : ScanOutcome.values()) {
      AtomicLong n = new AtomicLong();
      workloads.put(o, n);
      Gauge.builder("modelgate.scan.workloads", n, AtomicLong::get)
          .tag("result", o.label())
          .description("Workloads with models by their worst result in the last scan")
          .register(metrics);
    }
    Gauge.builder("modelgate.scan.last.completed", lastCompleted, AtomicLong::get)
        .baseUnit("seconds")
        .description("When the last background verification completed, Unix seconds")
        .register(metrics);
    completed =
        Counter.builder("modelgate.scan.runs").tag("outcome", "completed").register(metrics);
    failed = Counter.builder("modelgate.scan.runs").tag("outcome", "failed").register(metrics);
    FunctionCounter.builder("modelgate.scan.verifications", scan, BackgroundScan::verifications)
        .description("Workload groups decided by background verification")
        .register(metrics);
  }

  void completed(ScanReport report) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (ModelInventory.Row r : ModelInventory.of(report.workloads(), maxSeries)) {
      rows.add(
          MultiGauge.Row.of(
              Tags.of(
                  "namespace", r.namespace(),
                  "model_uri", r.modelUri(),
                  "digest", r.digest(),
                  "signer", r.signer(),
                  "result", r.result().label()),
              r.pods()));
    }
    models.register(rows, true);
    report.workloadsByOutcome().forEach((o, n) -> workloads.get(o).set(n));
    lastCompleted.set(report.finished().getEpochSecond());
    completed.increment();
  }

  void failed() {
    failed.increment();
  }
}
