package dev.modelgate.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.admission.serving.ServingComponent;
import dev.modelgate.admission.serving.ServingInspector;
import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.policy.Finding;
import dev.modelgate.policy.Mode;
import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.policy.PolicyDecision;
import dev.modelgate.policy.PolicyEngine;
import dev.modelgate.policy.VolumeCheck;
import dev.modelgate.policy.WorkloadContext;
import dev.modelgate.source.ModelReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides a serving resource (InferenceService, LLMInferenceService, TrainedModel, Seldon Model)
 * with the policies that decide its pods: each component is decided as the workload its pods will
 * be (their labels, their models), and the answers are merged. Models verified at admission are
 * verified here as in the Pod's review; downloads and claims pass with a verdict saying the Pod's
 * review will place the verifier, or fail as there (no matching policy, a refused source); a
 * storage spec, whose URI only the Pod knows, is left to the Pod's review with a verdict that says
 * so. On /mutate, a verified OCI tag is pinned to its digest in the field the user wrote, keeping
 * the scheme as written ({@code oci://}, {@code oci+native://}).
 */
final class ServingReview {
  /** No model of a serving resource is on a pod volume yet: asking is a bug, and it denies. */
  private static final VolumeCheck NO_VOLUMES =
      (model, policy) ->
          List.of(
              Failure.of(
                  Reason.INTERNAL_ERROR,
                  "model '%s' of a serving resource was placed on a pod volume",
                  model.name()));

  private final PolicyEngine engine;
  private final NamespaceLabels namespaces;

  ServingReview(PolicyEngine engine, NamespaceLabels namespaces) {
    this.engine = engine;
    this.namespaces = namespaces;
  }

  AdmissionOutcome review(AdmissionRequest r, Instant deadline) {
    if (unchanged(r)) {
      // KServe's and Seldon's controllers update their resources' metadata (finalizers, their
      // own annotations): what was decided when the user last changed them still holds, and a
      // registry outage must not block the controller. The pods are reviewed in any case.
      return AdmissionOutcome.skip(
          r.uid(), "UPDATE with unchanged spec, labels and annotations of a serving resource");
    }
    List<ServingComponent> parts = ServingInspector.inspect(r.kind(), r.namespace(), r.object());
    int models = parts.stream().mapToInt(p -> p.models().size()).sum();
    List<Failure> problems = new ArrayList<>();
    parts.forEach(p -> problems.addAll(p.problems()));
    if (!problems.isEmpty()) {
      return AdmissionOutcome.of(r.uid(), PolicyDecision.denied(problems), List.of(), models);
    }
    Map<String, String> nsLabels =
        models == 0 && !engine.requiresModelsIn(r.namespace())
            ? Map.of()
            : namespaces.of(r.namespace());
    List<Finding> denials = new ArrayList<>();
    List<Finding> warnings = new ArrayList<>();
    List<ModelVerdict> verdicts = new ArrayList<>();
    for (ServingComponent p : parts) {
      List<ModelReference> decided = new ArrayList<>();
      for (ModelReference m : p.models()) {
        if (ServingInspector.decidedByItsPod(m)) {
          // No policy can be matched to a URI only the Pod knows: its review decides it.
          verdicts.add(ModelVerdict.unmatched(m, Mode.ENFORCE, List.of()));
        } else {
          decided.add(m);
        }
      }
      if (decided.isEmpty() && !p.models().isEmpty()) {
        continue;
      }
      WorkloadContext ctx =
          new WorkloadContext(r.kind(), r.namespace(), r.name(), nsLabels, p.labels(), decided);
      PolicyDecision d = engine.decide(ctx, deadline, NO_VOLUMES);
      denials.addAll(d.denials());
      warnings.addAll(d.warnings());
      verdicts.addAll(d.verdicts());
    }
    PolicyDecision decision = PolicyDecision.of(denials, warnings, verdicts);
    return AdmissionOutcome.of(r.uid(), decision, pins(r.object(), verdicts), models);
  }

  private static boolean unchanged(AdmissionRequest r) {
    if (!r.operation().equals("UPDATE") || !r.oldObject().isObject()) {
      return false;
    }
    JsonNode now = r.object();
    JsonNode before = r.oldObject();
    return now.path("spec").equals(before.path("spec"))
        && now.at("/metadata/labels").equals(before.at("/metadata/labels"))
        && now.at("/metadata/annotations").equals(before.at("/metadata/annotations"));
  }

  /**
   * {@code replace} operations pinning each verified tag to its digest in the field that names it,
   * with the scheme the user wrote. {@link DigestPins} leaves these fields to this method.
   */
  static List<Map<String, Object>> pins(JsonNode object, List<ModelVerdict> verdicts) {
    Map<String, String> byPointer = new LinkedHashMap<>();
    for (ModelVerdict v : verdicts) {
      if (v.pinned().isEmpty()) {
        continue;
      }
      List<String> fields = new ArrayList<>(List.of(v.model().field()));
      fields.addAll(v.model().alsoNamedAt());
      for (String field : fields) {
        String pointer = DigestPins.pointer(field);
        String written = object.at(pointer).asText("");
        int sep = written.indexOf("://");
        if (sep < 0 || !ServingInspector.namesStorageUri(field)) {
          continue;
        }
        byPointer.put(pointer, written.substring(0, sep + 3) + v.pinned().get());
      }
    }
    return DigestPins.replacing(byPointer);
  }
}
