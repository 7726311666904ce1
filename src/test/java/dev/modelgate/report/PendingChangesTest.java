package dev.modelgate.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The writer folds queued changes into one per report; applying the fold must give what applying
 * every change in turn gives, also when a batch is split (a failed write put back in front of what
 * was queued meanwhile).
 */
class PendingChangesTest {
  static final List<String> PODS = List.of("a", "b", "c", "d");

  /** One queued change: merge (put), replace (clear + put), remove (clear), or retainOnly. */
  record Change(String kind, String pod, String model, PolicyResult result, Set<String> keep) {}

  static PolicyReportResult result(String pod, String model, PolicyResult r) {
    return new PolicyReportResult(
        "modelgate",
        "ClusterModelPolicy/p",
        model,
        "",
        Optional.empty(),
        Instant.EPOCH,
        r,
        true,
        List.of(ObjectReference.of("v1", "Pod", "ml", pod, "")),
        Optional.empty(),
        "",
        Map.of());
  }

  static PendingChanges.Workload workload(String pod) {
    return new PendingChanges.Workload("Pod", "ml", pod);
  }

  static void apply(PendingChanges p, Change c) {
    switch (c.kind()) {
      case "merge":
        p.put(result(c.pod(), c.model(), c.result()));
        break;
      case "replace":
        p.clear(workload(c.pod()));
        p.put(result(c.pod(), c.model(), c.result()));
        break;
      case "remove":
        p.clear(workload(c.pod()));
        break;
      default:
        p.retain(c.keep().stream().map(PendingChangesTest::workload).collect(Collectors.toSet()));
    }
  }

  /** What a report holds after the changes, one flush per change. */
  static Map<ResultKey, PolicyReportResult> oneByOne(
      List<PolicyReportResult> stored, List<Change> changes) {
    Map<ResultKey, PolicyReportResult> out = new LinkedHashMap<>();
    for (PolicyReportResult r : stored) {
      out.put(ResultKey.of(r), r);
    }
    for (Change c : changes) {
      PendingChanges p = new PendingChanges();
      apply(p, c);
      out = p.applyTo(new ArrayList<>(out.values()));
    }
    return out;
  }

  @Provide
  Arbitrary<List<Change>> changes() {
    Arbitrary<Change> one =
        Combinators.combine(
                Arbitraries.of("merge", "replace", "remove", "retain"),
                Arbitraries.of(PODS),
                Arbitraries.of("m1", "m2"),
                Arbitraries.of(PolicyResult.PASS, PolicyResult.FAIL),
                Arbitraries.of(PODS).set().ofMaxSize(4))
            .as(Change::new);
    return one.list().ofMaxSize(12);
  }

  @Property(tries = 500)
  void foldedChangesGiveWhatEachChangeInTurnGives(
      @ForAll("changes") List<Change> changes,
      @ForAll @IntRange(min = 0, max = 12) int split,
      @ForAll @Size(max = 4) List<@IntRange(min = 0, max = 3) Integer> storedPods) {
    List<PolicyReportResult> stored = new ArrayList<>();
    for (int i : storedPods) {
      stored.add(result(PODS.get(i), "m1", PolicyResult.PASS));
    }
    int at = Math.min(split, changes.size());
    PendingChanges earlier = new PendingChanges();
    changes.subList(0, at).forEach(c -> apply(earlier, c));
    PendingChanges later = new PendingChanges();
    changes.subList(at, changes.size()).forEach(c -> apply(later, c));
    PendingChanges all = new PendingChanges();
    changes.forEach(c -> apply(all, c));

    earlier.then(later);

    Map<ResultKey, PolicyReportResult> expected = oneByOne(stored, changes);
    assertThat(all.applyTo(stored)).isEqualTo(expected);
    assertThat(earlier.applyTo(stored)).isEqualTo(expected);
  }
}
