package dev.modelgate.report;

import java.util.Comparator;
import java.util.Objects;

/**
 * What makes a result the same result again: the workload (kind, namespace, name), the model's
 * logical name (the result's {@code rule}) and the policy. A newer result with the same key
 * replaces the older one; keys also order a report's results.
 */
public record ResultKey(String kind, String namespace, String name, String model, String policy)
    implements Comparable<ResultKey> {
  private static final Comparator<ResultKey> ORDER =
      Comparator.comparing(ResultKey::namespace)
          .thenComparing(ResultKey::kind)
          .thenComparing(ResultKey::name)
          .thenComparing(ResultKey::model)
          .thenComparing(ResultKey::policy);

  public ResultKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(policy, "policy");
  }

  /** The key of a result; a result without resources is keyed by its policy and rule alone. */
  public static ResultKey of(PolicyReportResult r) {
    return r.subject()
        .map(w -> new ResultKey(w.kind(), w.namespace(), w.name(), r.rule(), r.policy()))
        .orElseGet(() -> new ResultKey("", "", "", r.rule(), r.policy()));
  }

  /** Whether this result is about {@code workload}. */
  public boolean isAbout(ObjectReference workload) {
    return kind.equals(workload.kind())
        && namespace.equals(workload.namespace())
        && name.equals(workload.name());
  }

  @Override
  public int compareTo(ResultKey o) {
    return ORDER.compare(this, o);
  }
}
