package dev.modelgate.report;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where ModelGate's reports are kept: the Kubernetes API in a cluster (sub-package {@code k8s}).
 * One report per namespace, {@code ""} naming the ClusterPolicyReport. Writes are optimistic: an
 * update names the version it read and is refused as {@link Write#CONFLICT} when the report moved.
 * Failures of the store itself (API server unreachable, refused) are thrown as unchecked
 * exceptions; the writer keeps the batch for the next flush.
 */
public interface ReportStore {
  /**
   * A report's results as read, with the version a later write must name. A stored report that
   * cannot be read as one has no results here, so the next write replaces it.
   */
  record Stored(List<PolicyReportResult> results, String resourceVersion) {
    public Stored {
      results = List.copyOf(results);
      Objects.requireNonNull(resourceVersion, "resourceVersion");
    }
  }

  /** What became of a write. */
  enum Write {
    /** Created or updated. */
    WRITTEN,
    /** The report changed since it was read (or appeared since it was found absent). */
    CONFLICT,
    /** The API has no such resource: the wgpolicyk8s.io CRDs are not installed. */
    NO_CRD
  }

  /** ModelGate's report for {@code namespace}, or empty when there is none. */
  Optional<Stored> read(String namespace);

  /**
   * Writes {@code report}: a create when {@code resourceVersion} is empty, else an update of that
   * version.
   */
  Write write(PolicyReport report, Optional<String> resourceVersion);

  /** The namespaces that hold a ModelGate report ({@code ""} for the cluster report). */
  List<String> namespaces();
}
