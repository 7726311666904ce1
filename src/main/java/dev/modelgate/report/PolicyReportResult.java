package dev.modelgate.report;

import dev.modelgate.policy.LabelSelector;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of {@code results}: the {@code PolicyReportResult} of {@code wgpolicyk8s.io/v1alpha2}
 * (kubernetes-sigs/wg-policy-prototypes@25056e1f, {@code
 * policy-report/pkg/api/wgpolicyk8s.io/v1alpha2/policyreport_types.go}, and the schema in {@code
 * policy-report/crd/v1alpha2/wgpolicyk8s.io_policyreports.yaml}). Field names follow the wire: the
 * Go type's {@code Subjects} is {@code resources}, {@code SubjectSelector} is {@code
 * resourceSelector}, {@code Description} is {@code message}. {@code ""} means an absent optional
 * string (the API's {@code omitempty}); {@code policy} is the one required field. The timestamp is
 * a {@code metav1.Timestamp} on the wire ({@code seconds} since the epoch, {@code nanos}), limited
 * to years 1 to 9999 as that type is.
 */
public record PolicyReportResult(
    String source,
    String policy,
    String rule,
    String category,
    Optional<PolicyResultSeverity> severity,
    Instant timestamp,
    PolicyResult result,
    boolean scored,
    List<ObjectReference> resources,
    Optional<LabelSelector> resourceSelector,
    String message,
    Map<String, String> properties) {
  /** 0001-01-01T00:00:00Z, the earliest time a {@code metav1.Timestamp} may hold. */
  static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

  /** 9999-12-31T23:59:59.999999999Z, the latest. */
  static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

  public PolicyReportResult {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(result, "result");
    resources = List.copyOf(resources);
    Objects.requireNonNull(resourceSelector, "resourceSelector");
    Objects.requireNonNull(message, "message");
    properties = Map.copyOf(properties);
    if (policy.isBlank()) {
      throw new IllegalArgumentException("a report result needs a policy (the CRD requires it)");
    }
    if (timestamp.isBefore(EARLIEST) || timestamp.isAfter(LATEST)) {
      throw new IllegalArgumentException(
          "timestamp " + timestamp + " is outside 0001-01-01 to 9999-12-31");
    }
    for (String key : properties.keySet()) {
      if (key.isEmpty()) {
        throw new IllegalArgumentException("a result property needs a name");
      }
    }
    if (!resources.isEmpty() && resourceSelector.isPresent()) {
      throw new IllegalArgumentException(
          "a result names its resources or a resourceSelector, not both");
    }
  }

  /** A property, when the result has it. */
  public Optional<String> property(String key) {
    return Optional.ofNullable(properties.get(key));
  }

  /** The first resource: for ModelGate's own results, the workload. */
  public Optional<ObjectReference> subject() {
    return resources.isEmpty() ? Optional.empty() : Optional.of(resources.get(0));
  }
}
