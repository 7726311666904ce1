package dev.modelgate.report;

import java.util.Collection;

/**
 * Where verdicts become PolicyReport results. The admission path {@linkplain #merge merges} the
 * Audit and Warn outcomes of what it admits; the background scan {@linkplain #replace replaces} a
 * workload's results with what it found, {@linkplain #remove removes} those of a workload that is
 * gone, and after a full pass {@linkplain #retainOnly keeps only} the workloads still running.
 *
 * <p>Calls only queue: they return at once, never throw for an unreachable API server, and are
 * written in batches (one update per report per flush). Operations apply in the order they were
 * made. A result is identified by {@link ResultKey} (workload kind/namespace/name, model name,
 * policy). Thread-safe.
 */
public interface PolicyReportSink {
  /** A sink that writes nothing (embedded mode, tests). */
  PolicyReportSink NONE =
      new PolicyReportSink() {
        @Override
        public void merge(WorkloadVerdicts v) {}

        @Override
        public void replace(WorkloadVerdicts v) {}

        @Override
        public void remove(ObjectReference workload) {}

        @Override
        public void retainOnly(Collection<ObjectReference> workloads) {}

        @Override
        public void flush() {}
      };

  /**
   * Adds the results of these verdicts, each replacing an earlier result with the same key; the
   * workload's other results stay.
   */
  void merge(WorkloadVerdicts v);

  /**
   * The workload's results become exactly the results of these verdicts: earlier ones for other
   * models or policies are removed (no verdicts: the workload has no results).
   */
  void replace(WorkloadVerdicts v);

  /** The workload is gone: all its results are removed. */
  void remove(ObjectReference workload);

  /**
   * Removes, from every ModelGate report, the results of workloads not among {@code workloads}
   * (matched by kind, namespace and name). Operations queued later still apply.
   */
  void retainOnly(Collection<ObjectReference> workloads);

  /** Writes what is queued now, on the caller's thread, and returns when it is done. */
  void flush();
}
