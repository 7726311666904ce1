package dev.modelgate.report;

import dev.modelgate.policy.LabelSelector;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A {@code wgpolicyk8s.io/v1alpha2} PolicyReport (namespaced) or ClusterPolicyReport, as its
 * published fields define it (kubernetes-sigs/wg-policy-prototypes@25056e1f, {@code
 * policy-report/pkg/api/wgpolicyk8s.io/v1alpha2/policyreport_types.go} and {@code
 * clusterpolicyreport_types.go}; CRDs in {@code policy-report/crd/v1alpha2/}): metadata, an
 * optional {@code scope} or {@code scopeSelector} (not both), {@code summary} and {@code results}.
 * Of the metadata only what ModelGate writes is kept: name, namespace, labels and annotations. The
 * summary is always the count of the results: {@link #of} derives it, and the constructor refuses
 * one that disagrees.
 */
public record PolicyReport(
    Kind kind,
    String name,
    String namespace,
    Map<String, String> labels,
    Map<String, String> annotations,
    Optional<ObjectReference> scope,
    Optional<LabelSelector> scopeSelector,
    PolicyReportSummary summary,
    List<PolicyReportResult> results) {

  /** The API group and version of both kinds. */
  public static final String API_VERSION = "wgpolicyk8s.io/v1alpha2";

  /** Which of the two kinds. */
  public enum Kind {
    /** {@code PolicyReport}, in a namespace. */
    POLICY_REPORT("PolicyReport", "policyreports"),
    /** {@code ClusterPolicyReport}, cluster-scoped. */
    CLUSTER_POLICY_REPORT("ClusterPolicyReport", "clusterpolicyreports");

    private final String wire;
    private final String plural;

    Kind(String wire, String plural) {
      this.wire = wire;
      this.plural = plural;
    }

    /** The {@code kind} as the API writes it. */
    public String wire() {
      return wire;
    }

    /** The resource name, as RBAC rules and URLs spell it. */
    public String plural() {
      return plural;
    }

    public boolean namespaced() {
      return this == POLICY_REPORT;
    }
  }

  /** A DNS subdomain (RFC 1123), what Kubernetes accepts as an object name. */
  private static final Pattern NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** A DNS label, what Kubernetes accepts as a namespace name. */
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  public PolicyReport {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(scopeSelector, "scopeSelector");
    Objects.requireNonNull(summary, "summary");
    results = List.copyOf(results);
    if (name.length() > 253 || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("report name '" + name + "' is not a DNS subdomain");
    }
    if (kind.namespaced() && (namespace.length() > 63 || !NAMESPACE.matcher(namespace).matches())) {
      throw new IllegalArgumentException(
          "a PolicyReport needs a namespace (a DNS label), got '" + namespace + "'");
    }
    if (!kind.namespaced() && !namespace.isEmpty()) {
      throw new IllegalArgumentException(
          "a ClusterPolicyReport has no namespace, got '" + namespace + "'");
    }
    if (scope.isPresent() && scopeSelector.isPresent()) {
      throw new IllegalArgumentException(
          "report " + name + " has both a scope and a scopeSelector; the API allows one");
    }
    PolicyReportSummary counted = PolicyReportSummary.of(results);
    if (!summary.equals(counted)) {
      throw new IllegalArgumentException(
          "report "
              + name
              + ": summary says "
              + summary
              + " but its "
              + results.size()
              + " results count "
              + counted);
    }
  }

  /** A report with its summary counted from {@code results}. */
  public static PolicyReport of(
      Kind kind,
      String name,
      String namespace,
      Map<String, String> labels,
      Map<String, String> annotations,
      Optional<ObjectReference> scope,
      List<PolicyReportResult> results) {
    return new PolicyReport(
        kind,
        name,
        namespace,
        labels,
        annotations,
        scope,
        Optional.empty(),
        PolicyReportSummary.of(results),
        results);
  }

  /** This report with other results (summary recounted), everything else kept. */
  public PolicyReport withResults(List<PolicyReportResult> newResults) {
    return new PolicyReport(
        kind,
        name,
        namespace,
        labels,
        annotations,
        scope,
        scopeSelector,
        PolicyReportSummary.of(newResults),
        newResults);
  }

  /** {@code PolicyReport ns/name} or {@code ClusterPolicyReport name}. */
  public String describe() {
    return kind.wire() + " " + (namespace.isEmpty() ? "" : namespace + "/") + name;
  }
}
