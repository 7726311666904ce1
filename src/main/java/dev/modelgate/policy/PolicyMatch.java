package dev.modelgate.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Which workloads and models a policy applies to. No globs means every model. */
public record PolicyMatch(
    LabelSelector namespaceSelector, LabelSelector workloadSelector, List<ModelGlob> models) {
  public static final PolicyMatch EVERYTHING =
      new PolicyMatch(LabelSelector.ALL, LabelSelector.ALL, List.of());

  public PolicyMatch {
    Objects.requireNonNull(namespaceSelector, "namespaceSelector");
    Objects.requireNonNull(workloadSelector, "workloadSelector");
    models = List.copyOf(models);
  }

  public boolean matches(
      Map<String, String> namespaceLabels, Map<String, String> workloadLabels, String modelUri) {
    return selects(namespaceLabels, workloadLabels)
        && (models.isEmpty() || models.stream().anyMatch(g -> g.matches(modelUri)));
  }

  /** The workload part only: what {@code requireModels} asks of a workload that names no model. */
  public boolean selects(Map<String, String> namespaceLabels, Map<String, String> workloadLabels) {
    return namespaceSelector.matches(namespaceLabels) && workloadSelector.matches(workloadLabels);
  }

  /**
   * True when one of the model globs names {@code claim} as a {@code pvc://} claim ({@link
   * ModelGlob#namesClaim}): the claim holds models this policy verifies. A policy with no globs, or
   * {@code **}, names no claim by name; the claims its models were verified on are found in pods.
   */
  public boolean namesClaim(String claim) {
    return models.stream().anyMatch(g -> g.namesClaim(claim));
  }
}
