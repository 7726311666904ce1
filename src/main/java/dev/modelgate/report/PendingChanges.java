package dev.modelgate.report;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The queued changes to one report, folded into one: which workloads' stored results to keep
 * (everything, or only some after a {@code retainOnly}), which to drop, and the results to put in
 * last by key. Applying the fold to a report gives what applying each change in turn would, so a
 * burst of changes is one write. Not thread-safe: the writer holds its lock.
 */
final class PendingChanges {
  /** A workload as results are matched to it: kind, namespace, name. */
  record Workload(String kind, String namespace, String name) {
    static Workload of(ObjectReference o) {
      return new Workload(o.kind(), o.namespace(), o.name());
    }

    static Workload of(ResultKey k) {
      return new Workload(k.kind(), k.namespace(), k.name());
    }
  }

  private Optional<Set<Workload>> keepOnly = Optional.empty();
  private final Set<Workload> cleared = new HashSet<>();
  private final Map<ResultKey, PolicyReportResult> put = new LinkedHashMap<>();

  /** Changes that only keep the results of {@code running}, for a namespace with none queued. */
  static PendingChanges retaining(Set<Workload> running) {
    PendingChanges p = new PendingChanges();
    p.keepOnly = Optional.of(Set.copyOf(running));
    return p;
  }

  void put(PolicyReportResult r) {
    put.put(ResultKey.of(r), r);
  }

  void clear(Workload w) {
    cleared.add(w);
    put.keySet().removeIf(k -> Workload.of(k).equals(w));
  }

  void retain(Set<Workload> running) {
    keepOnly = Optional.of(intersect(keepOnly, running));
    put.keySet().removeIf(k -> !running.contains(Workload.of(k)));
  }

  /** These changes followed by {@code later}. */
  void then(PendingChanges later) {
    later.keepOnly.ifPresent(this::retain);
    later.cleared.forEach(this::clear);
    put.putAll(later.put);
  }

  /** The results a report holding {@code stored} has after these changes. */
  Map<ResultKey, PolicyReportResult> applyTo(List<PolicyReportResult> stored) {
    Map<ResultKey, PolicyReportResult> out = new LinkedHashMap<>();
    for (PolicyReportResult r : stored) {
      ResultKey k = ResultKey.of(r);
      Workload w = Workload.of(k);
      if (cleared.contains(w) || keepOnly.map(keep -> !keep.contains(w)).orElse(false)) {
        continue;
      }
      out.put(k, r);
    }
    out.putAll(put);
    return out;
  }

  /** Results waiting to be written. */
  int size() {
    return put.size();
  }

  private static Set<Workload> intersect(Optional<Set<Workload>> a, Set<Workload> b) {
    if (a.isEmpty()) {
      return Set.copyOf(b);
    }
    Set<Workload> both = new HashSet<>(a.get());
    both.retainAll(b);
    return both;
  }
}
