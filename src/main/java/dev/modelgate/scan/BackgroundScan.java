package dev.modelgate.scan;

import com.fasterxml.jackson.databind.node.MissingNode;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.admission.AdmissionRequest;
import dev.modelgate.admission.AdmissionService;
import dev.modelgate.core.Failure;
import dev.modelgate.inpod.RecordedOutcomes;
import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.report.Evaluation;
import dev.modelgate.report.ObjectReference;
import dev.modelgate.report.PolicyReportSink;
import dev.modelgate.report.WorkloadVerdicts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of background verification. The running pods are grouped ({@link ScanGroup}); each
 * group's representative pod is decided by the admission service exactly as a pod created now would
 * be (same inspector, policies, verification cache and registry politeness), as a dry run so that
 * no Event or admission report is written; passing verdicts for models on volumes are replaced by
 * what each pod's verifier recorded ({@link RecordedOutcomes}). Groups run on {@code workers}, a
 * bounded pool, each within {@code timeout}. Each workload's verdicts replace its results; a
 * workload seen in the last pass and gone now has its results removed. Nothing is ever evicted or
 * changed in the cluster. Passes do not overlap: {@link #run()} is synchronized.
 */
public final class BackgroundScan {
  private static final Logger log = LoggerFactory.getLogger(BackgroundScan.class);

  private final PodInventory inventory;
  private final AdmissionService admission;
  private final PolicyReportSink reports;
  private final ExecutorService workers;
  private final Duration timeout;
  private final Clock clock;
  private final AtomicLong verifications = new AtomicLong();
  private Set<ObjectReference> reported = new LinkedHashSet<>();

  public BackgroundScan(
      PodInventory inventory,
      AdmissionService admission,
      PolicyReportSink reports,
      ExecutorService workers,
      Duration timeout,
      Clock clock) {
    this.inventory = inventory;
    this.admission = admission;
    this.reports = reports;
    this.workers = workers;
    this.timeout = timeout;
    this.clock = clock;
  }

  /** Groups decided since start: one per group per pass, however many pods it has. */
  public long verifications() {
    return verifications.get();
  }

  /**
   * Scans every running pod once.
   *
   * @throws RuntimeException when the pods cannot be listed; no result is changed then
   */
  public synchronized ScanReport run() {
    Instant started = clock.instant();
    List<RunningPod> pods = inventory.runningPods();
    List<ScanGroup> groups = ScanGroup.of(pods);
    List<Future<List<ModelVerdict>>> futures = new ArrayList<>();
    for (ScanGroup g : groups) {
      futures.add(workers.submit(() -> decide(g)));
    }
    Map<ObjectReference, Map<String, ModelVerdict>> verdicts = new LinkedHashMap<>();
    Map<ObjectReference, Integer> podCounts = new LinkedHashMap<>();
    Set<ObjectReference> undecided = new LinkedHashSet<>();
    for (int i = 0; i < groups.size(); i++) {
      ScanGroup g = groups.get(i);
      podCounts.merge(g.workload(), g.pods().size(), Integer::sum);
      Map<String, ModelVerdict> mine =
          verdicts.computeIfAbsent(g.workload(), w -> new LinkedHashMap<>());
      try {
        for (ModelVerdict v :
            futures.get(i).get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS)) {
          // Two revisions of a workload (a rollout) may run the same model, at two digests: the
          // report keeps one result per (workload, model name, policy) (report/ResultKey), so the
          // verdicts merge on that same key and the worse one is reported.
          mine.merge(
              v.model().name() + " " + v.policy().orElse(""),
              v,
              (a, b) -> ScanOutcome.of(b).worse(ScanOutcome.of(a)) == ScanOutcome.of(a) ? a : b);
        }
      } catch (ExecutionException | TimeoutException e) {
        futures.get(i).cancel(true);
        undecided.add(g.workload());
        log.warn(
            "background verification of {} failed; its results stay as they were", g.workload(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("background verification interrupted", e);
      }
    }
    Instant finished = clock.instant();
    List<WorkloadScan> scanned = new ArrayList<>();
    Set<ObjectReference> now = new LinkedHashSet<>(undecided);
    verdicts.forEach(
        (w, vs) -> {
          if (undecided.contains(w)) {
            return;
          }
          if (!vs.isEmpty() || reported.contains(w)) {
            reports.replace(
                new WorkloadVerdicts(w, List.copyOf(vs.values()), finished, Evaluation.SCAN));
          }
          if (!vs.isEmpty()) {
            now.add(w);
            scanned.add(new WorkloadScan(w, podCounts.get(w), List.copyOf(vs.values())));
          }
        });
    List<ObjectReference> removed = new ArrayList<>();
    for (ObjectReference w : reported) {
      if (!now.contains(w) && !verdicts.containsKey(w)) {
        reports.remove(w);
        removed.add(w);
      }
    }
    // Also what an earlier leader reported, or admission wrote, about workloads that stopped.
    reports.retainOnly(verdicts.keySet());
    reports.flush();
    reported = now;
    ScanReport report =
        new ScanReport(
            started, finished, pods.size(), groups.size(), scanned, removed, undecided.size());
    log.info(
        "background verification: {} pods, {} groups, {} workloads with models ({} not passing), {} removed, {} undecided, {} ms",
        pods.size(),
        groups.size(),
        scanned.size(),
        scanned.stream().filter(w -> w.outcome() != ScanOutcome.PASS).count(),
        removed.size(),
        undecided.size(),
        Duration.between(started, finished).toMillis());
    return report;
  }

  private List<ModelVerdict> decide(ScanGroup g) {
    verifications.incrementAndGet();
    RunningPod pod = g.representative();
    AdmissionRequest request =
        new AdmissionRequest(
            "admission.k8s.io/v1",
            "background-" + pod.object().path("metadata").path("uid").asText(pod.name()),
            "Pod",
            pod.namespace(),
            pod.name(),
            "CREATE",
            "",
            true,
            pod.object(),
            MissingNode.getInstance());
    AdmissionOutcome o = admission.review(request, clock.instant().plus(timeout));
    List<ModelVerdict> out = new ArrayList<>();
    for (ModelVerdict v : o.verdicts()) {
      out.add(v.model().inPod() && v.passed() ? recorded(v, g.pods()) : v);
    }
    return out;
  }

  /**
   * The verdict for {@code admission}'s (model, policy) pair over every pod of a group : the worst
   * pod's, naming it and how many of the pods share that outcome.
   */
  private static ModelVerdict recorded(ModelVerdict admission, List<RunningPod> pods) {
    ModelVerdict worst = null;
    ScanOutcome worstOutcome = null;
    int same = 0;
    for (RunningPod pod : pods) {
      ModelVerdict v = RecordedOutcomes.ofPod(admission, pod.object());
      ScanOutcome o = ScanOutcome.of(v);
      if (worstOutcome == null || o.worse(worstOutcome) != worstOutcome) {
        worst = v;
        worstOutcome = o;
        same = 1;
      } else if (o == worstOutcome) {
        same++;
      }
    }
    if (worst == null || worst.passed() || pods.size() == 1) {
      return worst == null ? admission : worst;
    }
    String count = " (" + same + " of " + pods.size() + " pods)";
    List<Failure> failures =
        worst.failures().stream()
            .map(f -> new Failure(f.reason(), f.subject(), f.message() + count))
            .toList();
    return new ModelVerdict(
        worst.model(),
        worst.policy(),
        worst.mode(),
        worst.signer(),
        worst.authorities(),
        failures,
        Optional.empty(),
        List.of(),
        List.of(),
        Optional.empty());
  }
}
