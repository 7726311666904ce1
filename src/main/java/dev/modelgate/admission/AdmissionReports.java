package dev.modelgate.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.policy.Mode;
import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.report.Evaluation;
import dev.modelgate.report.ObjectReference;
import dev.modelgate.report.PolicyReportSink;
import dev.modelgate.report.WorkloadVerdicts;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an admission adds to the PolicyReports (docs/reports.md): the Audit and Warn verdicts of a
 * workload the webhook admitted, merged by (workload, model, policy). Nothing for dry runs, denials
 * (the workload does not run) or cheap exits, and nothing for an object whose controller is a
 * workload ModelGate reviews (a Deployment's ReplicaSet and Pods): the controller's review reported
 * the same template once, instead of once per replica.
 */
public final class AdmissionReports {
  private static final Logger log = LoggerFactory.getLogger(AdmissionReports.class);
  private final PolicyReportSink sink;
  private final Clock clock;

  public AdmissionReports(PolicyReportSink sink, Clock clock) {
    this.sink = sink;
    this.clock = clock;
  }

  /** Reports nothing. */
  public static final AdmissionReports NONE =
      new AdmissionReports(PolicyReportSink.NONE, Clock.systemUTC());

  /**
   * Queues what {@code outcome} adds to the reports; returns at once and never throws: reports are
   * an output, and a fault in them must not turn an answer into a denial.
   */
  public void record(AdmissionRequest r, AdmissionOutcome outcome) {
    try {
      queue(r, outcome);
    } catch (RuntimeException e) {
      log.warn(
          "report results for {} {}/{} not queued: {}",
          r.kind(),
          r.namespace(),
          r.name(),
          e.toString());
    }
  }

  private void queue(AdmissionRequest r, AdmissionOutcome outcome) {
    if (r.dryRun() || !outcome.allowed() || !outcome.skipped().isEmpty()) {
      return;
    }
    if (controlledByReviewedWorkload(r.object())) {
      return;
    }
    List<ModelVerdict> observed =
        outcome.verdicts().stream()
            .filter(v -> v.mode() == Mode.AUDIT || v.mode() == Mode.WARN)
            .toList();
    if (observed.isEmpty()) {
      return;
    }
    sink.merge(new WorkloadVerdicts(workload(r), observed, clock.instant(), Evaluation.ADMISSION));
  }

  /** The workload of a request, as a report names it. */
  public static ObjectReference workload(AdmissionRequest r) {
    JsonNode meta = r.object().path("metadata");
    return ObjectReference.of(
        r.object().path("apiVersion").asText(""),
        r.kind(),
        r.namespace(),
        r.name().isEmpty() ? meta.path("generateName").asText("unnamed") : r.name(),
        meta.path("uid").asText(""));
  }

  /** Whether the object's controller is a kind ModelGate reviews (its template was reviewed). */
  static boolean controlledByReviewedWorkload(JsonNode object) {
    for (JsonNode owner : object.path("metadata").path("ownerReferences")) {
      if (owner.path("controller").asBoolean(false)
          && WorkloadInspector.reviews(owner.path("kind").asText(""))) {
        return true;
      }
    }
    return false;
  }
}
