package dev.modelgate.scan;

import dev.modelgate.report.ObjectReference;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one pass found.
 *
 * @param workloads the workloads that run models, each with its verdicts
 * @param removed workloads reported before and gone now, whose results were removed
 * @param undecided workloads whose decision failed this time; their results were left as they were
 */
public record ScanReport(
    Instant started,
    Instant finished,
    int pods,
    int groups,
    List<WorkloadScan> workloads,
    List<ObjectReference> removed,
    int undecided) {
  public ScanReport {
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(finished, "finished");
    workloads = List.copyOf(workloads);
    removed = List.copyOf(removed);
  }

  /** Workloads by their worst outcome. */
  public Map<ScanOutcome, Long> workloadsByOutcome() {
    Map<ScanOutcome, Long> out = new EnumMap<>(ScanOutcome.class);
    for (ScanOutcome o : ScanOutcome.values()) {
      out.put(o, workloads.stream().filter(w -> w.outcome() == o).count());
    }
    return out;
  }

  /** Per policy (display name), the workloads it matched. */
  public Map<String, PolicySummary> policies() {
    return PolicySummary.of(workloads, finished);
  }
}
