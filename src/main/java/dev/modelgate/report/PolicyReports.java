package dev.modelgate.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * ModelGate's reports: one PolicyReport named {@value #NAME} per namespace, scoped to that
 * Namespace, holding every result about workloads there, and one ClusterPolicyReport of the same
 * name for results about cluster-scoped objects. Results are ordered by {@link ResultKey}, so the
 * same results always give the same report. A report stays under {@link #MAX_RESULTS} results and
 * {@link #MAX_BYTES} of results (etcd refuses objects over 1.5 MiB): beyond that, passing results
 * go first, then the oldest, and the annotation {@value #OMITTED} says how many were left out.
 */
public final class PolicyReports {
  /** The name of ModelGate's report in each namespace, and of its cluster report. */
  public static final String NAME = "modelgate";

  /** The label that marks reports ModelGate owns. */
  public static final Map<String, String> LABELS =
      Map.of("app.kubernetes.io/managed-by", "modelgate");

  /** Set when results had to be left out of a report, with their number. */
  public static final String OMITTED = "modelgate.dev/results-omitted";

  /** Most results in one report. */
  public static final int MAX_RESULTS = 2000;

  /** Most bytes of results (as JSON) in one report, well under etcd's 1.5 MiB object limit. */
  public static final int MAX_BYTES = 1024 * 1024;

  private PolicyReports() {}

  /**
   * The report for one namespace ({@code ""}: the cluster report) holding {@code results}, in key
   * order, limited as the class comment says.
   */
  public static PolicyReport of(String namespace, Collection<PolicyReportResult> results) {
    List<PolicyReportResult> sorted = new ArrayList<>(results);
    sorted.sort(Comparator.comparing(ResultKey::of));
    List<PolicyReportResult> kept = limit(sorted);
    Map<String, String> annotations =
        kept.size() == sorted.size()
            ? Map.of()
            : Map.of(OMITTED, String.valueOf(sorted.size() - kept.size()));
    if (namespace.isEmpty()) {
      return PolicyReport.of(
          PolicyReport.Kind.CLUSTER_POLICY_REPORT,
          NAME,
          "",
          LABELS,
          annotations,
          Optional.empty(),
          kept);
    }
    return PolicyReport.of(
        PolicyReport.Kind.POLICY_REPORT,
        NAME,
        namespace,
        LABELS,
        annotations,
        Optional.of(ObjectReference.of("v1", "Namespace", "", namespace, "")),
        kept);
  }

  /**
   * The reports for results about many workloads: one per namespace in name order, the cluster
   * report (results about objects without a namespace) last.
   */
  public static List<PolicyReport> of(Collection<PolicyReportResult> results) {
    Map<String, List<PolicyReportResult>> byNamespace = new TreeMap<>();
    for (PolicyReportResult r : results) {
      byNamespace.computeIfAbsent(namespaceOf(r), k -> new ArrayList<>()).add(r);
    }
    List<PolicyReport> out = new ArrayList<>();
    byNamespace.forEach(
        (ns, rs) -> {
          if (!ns.isEmpty()) {
            out.add(of(ns, rs));
          }
        });
    if (byNamespace.containsKey("")) {
      out.add(of("", byNamespace.get("")));
    }
    return out;
  }

  /** The namespace whose report holds {@code r}: its workload's, or "" for the cluster report. */
  public static String namespaceOf(PolicyReportResult r) {
    return r.subject().map(ObjectReference::namespace).orElse("");
  }

  private static List<PolicyReportResult> limit(List<PolicyReportResult> sorted) {
    long bytes = 0;
    for (PolicyReportResult r : sorted) {
      bytes += PolicyReportJson.toJsonBytes(r);
    }
    if (sorted.size() <= MAX_RESULTS && bytes <= MAX_BYTES) {
      return sorted;
    }
    List<PolicyReportResult> byPriority = new ArrayList<>(sorted);
    byPriority.sort(
        Comparator.comparing((PolicyReportResult r) -> r.result() == PolicyResult.PASS)
            .thenComparing(PolicyReportResult::timestamp, Comparator.reverseOrder()));
    List<PolicyReportResult> kept = new ArrayList<>();
    long used = 0;
    for (PolicyReportResult r : byPriority) {
      long size = PolicyReportJson.toJsonBytes(r);
      if (kept.size() < MAX_RESULTS && used + size <= MAX_BYTES) {
        kept.add(r);
        used += size;
      }
    }
    kept.sort(Comparator.comparing(ResultKey::of));
    return kept;
  }
}
