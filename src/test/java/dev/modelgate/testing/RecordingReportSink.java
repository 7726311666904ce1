package dev.modelgate.testing;

import dev.modelgate.report.ObjectReference;
import dev.modelgate.report.PolicyReportResult;
import dev.modelgate.report.PolicyReportSink;
import dev.modelgate.report.VerdictResults;
import dev.modelgate.report.WorkloadVerdicts;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** A report sink that keeps what admission merges, for tests that read the results back. */
public final class RecordingReportSink implements PolicyReportSink {
  public final List<WorkloadVerdicts> merged = new ArrayList<>();

  /** What background verification replaced, in order. */
  public final List<WorkloadVerdicts> replaced = new ArrayList<>();

  /** The report results of everything merged so far, in order. */
  public List<PolicyReportResult> results() {
    return merged.stream().flatMap(w -> VerdictResults.of(w).stream()).toList();
  }

  @Override
  public synchronized void merge(WorkloadVerdicts v) {
    merged.add(v);
  }

  @Override
  public synchronized void replace(WorkloadVerdicts v) {
    replaced.add(v);
  }

  @Override
  public void remove(ObjectReference workload) {}

  @Override
  public void retainOnly(Collection<ObjectReference> workloads) {}

  @Override
  public void flush() {}
}
