package dev.modelgate.inpod;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelUri;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The claims of a namespace that models are verified on, for the claim-writer rule ({@link
 * ClaimWriters}): in a cluster, read from the pods that carry a ModelGate verifier on a claim
 * volume ({@link #inPod}); in {@code check}, from the other workloads of the same input ({@link
 * #declaredIn}). Embedded mode knows no claims ({@link #NONE}).
 */
public interface VerifiedClaims {
  VerifiedClaims NONE = namespace -> List.of();

  /**
   * The models verified on claims in {@code namespace}.
   *
   * @throws RuntimeException when they cannot be known (the API server did not answer): the rule
   *     then fails closed, in each policy's mode and {@code onError}
   */
  List<ClaimModel> of(String namespace);

  /**
   * One model on a claim: the claim, the model as its verifier (or annotation) names it, the
   * workload that uses it, and that workload's pod labels (which policies match it by).
   */
  record ClaimModel(
      String claim,
      String modelName,
      String modelUri,
      String workload,
      Map<String, String> labels) {
    public ClaimModel {
      Objects.requireNonNull(claim, "claim");
      Objects.requireNonNull(modelName, "modelName");
      Objects.requireNonNull(modelUri, "modelUri");
      Objects.requireNonNull(workload, "workload");
      labels = Map.copyOf(labels);
    }
  }

  /**
   * The models a running or pending pod's ModelGate verifiers check on claims: each init container
   * named {@code modelgate-verify-*} whose arguments read back as the verifier's ({@link
   * VerifierContainer.Invocation#parse}) and whose mount is a volume backed by a claim. A container
   * that only looks like a verifier names a claim at worst, which only makes more writers visible.
   */
  static List<ClaimModel> inPod(JsonNode pod) {
    List<ClaimModel> out = new ArrayList<>();
    JsonNode spec = pod.path("spec");
    Map<String, String> labels = strings(pod.path("metadata").path("labels"));
    String name = "Pod/" + pod.path("metadata").path("name").asText("");
    for (JsonNode c : spec.path("initContainers")) {
      if (!c.path("name").asText("").startsWith(VerifierContainer.NAME_PREFIX)) {
        continue;
      }
      Optional<VerifierContainer.Invocation> asked =
          VerifierContainer.Invocation.parse(c.path("args"));
      if (asked.isEmpty()) {
        continue;
      }
      for (JsonNode m : c.path("volumeMounts")) {
        claimOf(spec, m.path("name").asText(""))
            .ifPresent(
                claim ->
                    out.add(
                        new ClaimModel(
                            claim, asked.get().modelName(), asked.get().modelUri(), name, labels)));
      }
    }
    return out;
  }

  /**
   * The models on claims a workload's pod template declares ({@code models} as the inspector found
   * them): the claims ModelGate would verify them on.
   */
  static List<ClaimModel> declaredIn(
      String workload,
      JsonNode podTemplate,
      Map<String, String> labels,
      List<ModelReference> models) {
    List<ClaimModel> out = new ArrayList<>();
    for (ModelReference m : models) {
      Optional<ModelUri> at = m.placement().volume();
      if (m.inPod() && at.isPresent()) {
        VolumeRules.claimOf(podTemplate.path("spec"), at.get())
            .ifPresent(
                claim ->
                    out.add(new ClaimModel(claim, m.name(), m.uri().toString(), workload, labels)));
      }
    }
    return out;
  }

  private static Optional<String> claimOf(JsonNode podSpec, String volume) {
    for (JsonNode v : podSpec.path("volumes")) {
      if (volume.equals(v.path("name").asText())) {
        String claim = v.path("persistentVolumeClaim").path("claimName").asText("");
        return claim.isEmpty() ? Optional.empty() : Optional.of(claim);
      }
    }
    return Optional.empty();
  }

  private static Map<String, String> strings(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }
}
