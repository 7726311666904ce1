package dev.modelgate.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.modelgate.admission.runtimeargs.CoveredRead;
import dev.modelgate.admission.runtimeargs.ModelRemedies;
import dev.modelgate.admission.runtimeargs.RuntimeSeal;
import dev.modelgate.admission.serving.ServingInspector;
import dev.modelgate.core.Failure;
import dev.modelgate.inpod.ClaimAccessModes;
import dev.modelgate.inpod.ClaimWriters;
import dev.modelgate.inpod.VerifiedClaims;
import dev.modelgate.inpod.VerifierContainer;
import dev.modelgate.inpod.VolumeVerifier;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.Finding;
import dev.modelgate.policy.PolicyDecision;
import dev.modelgate.policy.PolicyEngine;
import dev.modelgate.policy.WorkloadContext;
import dev.modelgate.source.ModelReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
  private final VerifiedClaims verifiedClaims;

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
    this(engine, namespaces, events, volumes, claims, reports, VerifiedClaims.NONE);
  }

  /**
   * As above, with the claims models are verified on in each namespace, for the claim-writer rule
   * ({@link ClaimWriters}).
   */
  public AdmissionService(
      PolicyEngine engine,
      NamespaceLabels namespaces,
      EventSink events,
      VolumeVerifier volumes,
      ClaimAccessModes claims,
      AdmissionReports reports,
      VerifiedClaims verifiedClaims) {
    this.verifiedClaims = verifiedClaims;
    this.engine = engine;
    this.namespaces = namespaces;
    this.events = events;
    this.volumes = volumes;
    this.claims = claims;
    this.reports = reports;
  }

  /** The image the injected volume verifier runs unless configured otherwise. */
  public static final String DEFAULT_VERIFIER_IMAGE = VerifierContainer.DEFAULT_IMAGE;

  /** The validating decision. */
  public AdmissionOutcome review(AdmissionRequest r, Instant deadline) {
    return review(r, deadline, false);
  }

  /**
   * The decision, and with {@code mutating} the patch /mutate returns: volume models of new pods
   * and templates get their verifier init container (so the check that it is present is skipped: it
   * is being added). An existing pod is never patched; its update gets the answer /validate gives.
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
            : WorkloadInspector.podTemplate(r.kind(), r.object(), template);
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
    List<Finding> podWarnings = List.of();
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
      // Each model's policies, once: the decision and the verifier it gets agree on them.
      Map<ModelReference, List<CompiledPolicy>> matches = engine.match(ctx);
      Map<ModelReference, List<CompiledPolicy>> ready = PolicyEngine.ready(matches);
      VolumeVerifier.Stage stage = stage(r, podSpec, mutating);
      // Runtime arguments inside found models (read once, by the inspection), judged against
      // each policy's exempted paths; a running pod's containers cannot change.
      List<CoveredRead> reads =
          stage == VolumeVerifier.Stage.RUNNING ? List.of() : w.coveredReads();
      decision =
          engine.decide(
              ctx,
              matches,
              deadline,
              volumes.check(podSpec, stage, ready),
              // /mutate adds the sealing variables; /validate sees whether they hold. A running
              // pod's container environment cannot change (ValidatePodUpdate), so it is judged
              // as the pod it is: a seal turned on after it started cannot deny its label update.
              (v, p) -> {
                List<Failure> more = new ArrayList<>(IgnoredPathReads.check(reads, v.model(), p));
                more.addAll(
                    ImageVolumeMounts.check(
                        podSpec,
                        v,
                        p.displayName(),
                        ImageVolumeMounts.kinds(stage == VolumeVerifier.Stage.RUNNING)));
                if (!mutating
                    && stage != VolumeVerifier.Stage.RUNNING
                    && p.serving().sealRuntimeDownloads()) {
                  more.addAll(RuntimeSeal.check(podSpec, v.model(), p.displayName()));
                }
                return more;
              });
      // Writers of the claims other workloads' models are verified on, judged by those models'
      // policies; a model-less workload's namespace labels are looked up only if it writes a claim.
      Map<String, String> knownLabels = nsLabels;
      boolean labelsKnown = earlyLabels != null || !w.models().isEmpty();
      decision =
          PolicyEngine.withPodVerdicts(
              decision,
              ClaimWriters.check(
                  podSpec,
                  template.isEmpty() ? "spec" : template + ".spec",
                  r.namespace(),
                  () -> labelsKnown ? knownLabels : namespaces.of(r.namespace()),
                  w.labels(),
                  matches,
                  engine.policiesIn(r.namespace()),
                  verifiedClaims,
                  stage == VolumeVerifier.Stage.RUNNING
                      ? r.oldObject().path("spec")
                      : MissingNode.getInstance()));
      if (stage == VolumeVerifier.Stage.RUNNING) {
        podWarnings = VolumeVerifier.startedUnverified(podSpec, ready);
      } else {
        podWarnings = VolumeVerifier.hubMetadataWarnings(ready);
      }
      if (mutating && r.subResource().isEmpty() && !runningPod(r)) {
        String pointer =
            "/" + (template.isEmpty() ? "" : template.replace('.', '/') + "/") + "spec";
        List<ModelReference> sealed = new ArrayList<>();
        ready.forEach(
            (m, ps) -> {
              if (ps.stream().anyMatch(p -> p.serving().sealRuntimeDownloads())) {
                sealed.add(m);
              }
            });
        patch = new ArrayList<>(volumes.patch(podSpec, pointer, ready));
        patch.addAll(RuntimeSeal.patch(podSpec, pointer, sealed));
      }
    }
    AdmissionOutcome outcome = AdmissionOutcome.of(r.uid(), decision, patch, w.models().size());
    List<Finding> shared = new ArrayList<>(podWarnings);
    shared.addAll(VolumeVerifier.sharedClaimWarnings(r.namespace(), w.models(), claims));
    if (!shared.isEmpty()) {
      outcome = outcome.withWarnings(shared);
    }
    if (runningPod(r)) {
      outcome = outcome.unpatchable();
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
   * An update of a pod that exists: the API server lets it change labels, annotations, the images
   * of its containers and init containers, and (through a subresource) its ephemeral containers;
   * never its volumes, nor add or reorder init containers. /mutate has nothing it may patch: a
   * patch would fail the whole update (a label added by kubectl or a controller adopting the pod).
   */
  private static boolean runningPod(AdmissionRequest r) {
    return r.kind().equals("Pod") && r.operation().equals("UPDATE");
  }

  /**
   * What the verifier in the pod spec is compared with. A running pod whose init containers and
   * volumes are those of the object before is judged as the pod it is ({@link
   * VolumeVerifier.Stage#RUNNING}): its verifier ran under the policies of its creation, and a
   * label added after a policy edit does not make it another verifier. Any other update of a pod is
   * judged against what ModelGate would inject now, as is every new pod and template; /mutate
   * injects only into those.
   */
  private static VolumeVerifier.Stage stage(
      AdmissionRequest r, JsonNode podSpec, boolean mutating) {
    if (runningPod(r)) {
      return VolumeVerifier.unchanged(podSpec, r.oldObject().path("spec"))
          ? VolumeVerifier.Stage.RUNNING
          : VolumeVerifier.Stage.ADMITTING;
    }
    return mutating ? VolumeVerifier.Stage.INJECTING : VolumeVerifier.Stage.ADMITTING;
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
