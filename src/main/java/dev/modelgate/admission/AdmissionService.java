package dev.modelgate.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.modelgate.admission.runtimeargs.ModelRemedies;
import dev.modelgate.admission.runtimeargs.RuntimeSeal;
import dev.modelgate.admission.serving.ServingInspector;
import dev.modelgate.core.Failure;
import dev.modelgate.core.FieldPath;
import dev.modelgate.core.Reason;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.Finding;
import dev.modelgate.policy.PolicyDecision;
import dev.modelgate.policy.PolicyEngine;
import dev.modelgate.policy.WorkloadContext;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelScheme;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides one admission request. Cheap exits first, with no verification at all: DELETE and
 * CONNECT, subresources (status, scale), objects being deleted, and scale-downs whose template did
 * not change. Otherwise the workload's models go to the policy engine. Problems reading the
 * workload deny with their reason. Dry runs get the same answer and no Events or report results.
 */
public final class AdmissionService {
  private final WorkloadInspector inspector = new WorkloadInspector();
  private final PolicyEngine engine;
  private final NamespaceLabels namespaces;
  private final EventSink events;
  private final VolumeVerifier volumes;
  private final ClaimAccessModes claims;
  private final AdmissionReports reports;

  public AdmissionService(PolicyEngine engine, NamespaceLabels namespaces, EventSink events) {
    this(
        engine,
        namespaces,
        events,
        new VolumeVerifier(DEFAULT_VERIFIER_IMAGE),
        ClaimAccessModes.NONE);
  }

  public AdmissionService(
      PolicyEngine engine,
      NamespaceLabels namespaces,
      EventSink events,
      VolumeVerifier volumes,
      ClaimAccessModes claims) {
    this(engine, namespaces, events, volumes, claims, AdmissionReports.NONE);
  }

  /** As above, with the Audit and Warn outcomes of admitted workloads going to {@code reports}. */
  public AdmissionService(
      PolicyEngine engine,
      NamespaceLabels namespaces,
      EventSink events,
      VolumeVerifier volumes,
      ClaimAccessModes claims,
      AdmissionReports reports) {
    this.engine = engine;
    this.namespaces = namespaces;
    this.events = events;
    this.volumes = volumes;
    this.claims = claims;
    this.reports = reports;
  }

  /** The image the injected volume verifier runs unless configured otherwise. */
  public static final String DEFAULT_VERIFIER_IMAGE = "ghcr.io/modelgate/modelgate:0.1.0";

  /** The validating decision. */
  public AdmissionOutcome review(AdmissionRequest r, Instant deadline) {
    return review(r, deadline, false);
  }

  /**
   * The decision, and with {@code mutating} the patch /mutate returns: volume models get their
   * verifier init container (so the check that it is present is skipped: it is being added).
   */
  public AdmissionOutcome review(AdmissionRequest r, Instant deadline, boolean mutating) {
    String skip = cheapExit(r);
    if (skip != null) {
      return AdmissionOutcome.skip(r.uid(), skip);
    }
    if (ServingInspector.reviews(r.kind(), r.object())) {
      return recorded(r, new ServingReview(engine, namespaces).review(r, deadline), mutating);
    }
    String template = WorkloadInspector.templatePath(r.kind());
    JsonNode podTemplate =
        template == null
            ? MissingNode.getInstance()
            : WorkloadInspector.podTemplate(r.object(), template);
    // Labels are needed before inspection only where a policy declares models or requires them.
    Map<String, String> earlyLabels =
        template != null && engine.needsLabelsWithoutModels(r.namespace())
            ? namespaces.of(r.namespace())
            : null;
    List<ModelReference> declared =
        earlyLabels == null
            ? List.of()
            : engine.declaredModels(r.namespace(), earlyLabels, labels(podTemplate));
    Workload w = inspector.inspect(r.kind(), r.namespace(), r.name(), r.object(), declared);
    PolicyDecision decision;
    List<Map<String, Object>> patch = List.of();
    if (!w.problems().isEmpty()) {
      decision = PolicyDecision.denied(w.problems());
    } else {
      // Most workloads use no model: no namespace lookup (an API call in-cluster) for them.
      Map<String, String> nsLabels =
          earlyLabels != null
              ? earlyLabels
              : w.models().isEmpty() ? Map.of() : namespaces.of(r.namespace());
      WorkloadContext ctx =
          new WorkloadContext(
              w.kind(),
              w.namespace(),
              w.name(),
              nsLabels,
              w.labels(),
              w.models(),
              ModelRemedies.of(podTemplate, WorkloadContext.ANNOTATE));
      JsonNode podSpec = podTemplate.path("spec");
      decision =
          engine.decide(
              ctx,
              deadline,
              volumes.check(podSpec, mutating, m -> engine.matching(ctx, m)),
              (m, p) ->
                  !mutating && p.serving().sealRuntimeDownloads()
                      ? RuntimeSeal.check(podSpec, m, p.displayName())
                      : List.of());
      if (mutating && r.subResource().isEmpty()) {
        Map<ModelReference, List<CompiledPolicy>> onVolumes = new LinkedHashMap<>();
        List<ModelReference> sealed = new ArrayList<>();
        for (var m : w.models()) {
          List<CompiledPolicy> matching = engine.matching(ctx, m);
          if (m.inPod()) {
            onVolumes.put(m, matching);
          }
          if (matching.stream().anyMatch(p -> p.serving().sealRuntimeDownloads())) {
            sealed.add(m);
          }
        }
        String pointer =
            "/" + (template.isEmpty() ? "" : template.replace('.', '/') + "/") + "spec";
        patch = new ArrayList<>(volumes.patch(podSpec, pointer, onVolumes));
        patch.addAll(RuntimeSeal.patch(podSpec, pointer, sealed));
      }
    }
    AdmissionOutcome outcome = AdmissionOutcome.of(r.uid(), decision, patch, w.models().size());
    List<Finding> shared = sharedClaimWarnings(r, w);
    if (!shared.isEmpty()) {
      outcome = outcome.withWarnings(shared);
    }
    return recorded(r, outcome, mutating);
  }

  /** Records the outcome's Event and report results, and returns it. */
  private AdmissionOutcome recorded(
      AdmissionRequest r, AdmissionOutcome outcome, boolean mutating) {
    if (!r.dryRun() && outcome.decision().kind() != PolicyDecision.Kind.ALLOW) {
      events.record(r, outcome);
    }
    if (!mutating) {
      // /mutate answers before /validate and the other admission webhooks: only /validate's
      // answer is the admission the report records.
      reports.record(r, outcome);
    }
    return outcome;
  }

  /**
   * A claim other pods can write (ReadWriteMany, or ReadWriteOnce: pods on the same node) is
   * verified only at start.
   */
  private List<Finding> sharedClaimWarnings(AdmissionRequest r, Workload w) {
    List<Finding> out = new ArrayList<>();
    for (var m : w.models()) {
      var at = m.placement().volume();
      if (at.isEmpty() || at.get().scheme() != ModelScheme.PVC) {
        continue;
      }
      Set<String> modes = claims.of(r.namespace(), at.get().location());
      if (modes.contains("ReadWriteMany") || modes.contains("ReadWriteOnce")) {
        out.add(
            Finding.of(
                Failure.atField(
                    Reason.MODEL_MOUNT_WRITABLE,
                    FieldPath.of(m.field()),
                    "model '"
                        + m.name()
                        + "' is on claim "
                        + at.get().location()
                        + " with access modes "
                        + new TreeSet<>(modes)
                        + ": other pods can write it while this one runs; ModelGate verifies it only before the app starts (prefer ReadOnlyMany or ReadWriteOncePod)")));
      }
    }
    return out;
  }

  private static final String EPHEMERAL_CONTAINERS = "ephemeralcontainers";

  private static Map<String, String> labels(JsonNode podTemplate) {
    Map<String, String> out = new LinkedHashMap<>();
    podTemplate
        .path("metadata")
        .path("labels")
        .fields()
        .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
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
    // Ephemeral containers can only be added through this subresource (kubectl debug); they may
    // mount the model volume, so the whole pod is reviewed again.
    if (!r.subResource().isEmpty() && !r.subResource().equals(EPHEMERAL_CONTAINERS)) {
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
    return now.get("replicas").asLong() < before.get("replicas").asLong()
        && now.path("template").equals(before.path("template"));
  }
}
