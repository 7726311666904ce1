package dev.modelgate.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.policy.PolicyDecision;
import dev.modelgate.policy.PolicyEngine;
import dev.modelgate.policy.WorkloadContext;
import java.time.Instant;
import java.util.List;

/**
 * Decides one admission request. Cheap exits first, with no verification at all: DELETE and
 * CONNECT, subresources (status, scale), objects being deleted, and scale-downs whose template did
 * not change. Otherwise the workload's models go to the policy engine. Problems reading the
 * workload deny with their reason. Dry runs get the same answer and no Events.
 */
public final class AdmissionService {
  private final WorkloadInspector inspector = new WorkloadInspector();
  private final PolicyEngine engine;
  private final NamespaceLabels namespaces;
  private final EventSink events;

  public AdmissionService(PolicyEngine engine, NamespaceLabels namespaces, EventSink events) {
    this.engine = engine;
    this.namespaces = namespaces;
    this.events = events;
  }

  public AdmissionOutcome review(AdmissionRequest r, Instant deadline) {
    String skip = cheapExit(r);
    if (skip != null) {
      return AdmissionOutcome.skip(r.uid(), skip);
    }
    Workload w = inspector.inspect(r.kind(), r.namespace(), r.name(), r.object());
    PolicyDecision decision;
    if (!w.problems().isEmpty()) {
      decision = PolicyDecision.denied(String.join(" | ", w.problems()));
    } else {
      WorkloadContext ctx = new WorkloadContext(w.kind(), w.namespace(), w.name(), namespaces.of(r.namespace()), w.labels(), w.models());
      decision = engine.decide(ctx, deadline);
    }
    AdmissionOutcome outcome = AdmissionOutcome.of(r.uid(), decision);
    if (!r.dryRun() && (!outcome.allowed() || !outcome.warnings().isEmpty())) {
      events.record(r, outcome);
    }
    return outcome;
  }

  private static String cheapExit(AdmissionRequest r) {
    switch (r.operation()) {
      case "DELETE":
      case "CONNECT":
        return r.operation() + " is never blocked";
      case "CREATE":
      case "UPDATE":
        break;
      default:
        return null;
    }
    if (!r.subResource().isEmpty()) {
      return "subresource " + r.subResource() + " is never blocked";
    }
    if (!r.object().path("metadata").path("deletionTimestamp").isMissingNode()
        && !r.object().path("metadata").path("deletionTimestamp").isNull()) {
      return "object is being deleted";
    }
    if (r.operation().equals("UPDATE") && isScaleDown(r)) {
      return "scale-down with an unchanged pod template";
    }
    return null;
  }

  private static boolean isScaleDown(AdmissionRequest r) {
    JsonNode now = r.object().path("spec");
    JsonNode before = r.oldObject().path("spec");
    if (!now.has("replicas") || !before.has("replicas")) {
      return false;
    }
    return now.get("replicas").asLong() < before.get("replicas").asLong() && now.path("template").equals(before.path("template"));
  }

  /** The verdict lines for logs and {@code check}: every (model, policy) pair with its outcome. */
  public static List<String> verdictLines(AdmissionOutcome o) {
    return o.verdicts().stream().map(v -> (v.passed() ? "ok   " : "FAIL ") + v.describe(20)).toList();
  }
}
