package dev.modelgate.policy;

import dev.modelgate.source.ModelReference;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a policy says about serving runtimes and the models workloads use without naming them:
 * whether runtime adapter loading is allowed, whether Hugging Face downloads are sealed in the
 * containers that mount a model it matches, and the models it declares for workloads that cannot
 * carry annotations.
 *
 * @param allowRuntimeAdapterLoading admit servers that load adapters through their API (unsafe)
 * @param sealRuntimeDownloads set and require {@code HF_HUB_OFFLINE=1}, {@code
 *     TRANSFORMERS_OFFLINE=1} on containers that mount a matched model
 * @param declaredModels models declared for the workloads each entry's selector picks
 */
public record ServingRules(
    boolean allowRuntimeAdapterLoading,
    boolean sealRuntimeDownloads,
    List<DeclaredModel> declaredModels) {
  public static final ServingRules NONE = new ServingRules(false, false, List.of());

  public ServingRules {
    declaredModels = List.copyOf(declaredModels);
  }

  /** A model the workloads {@code workloadSelector} picks use, as if annotated. */
  public record DeclaredModel(LabelSelector workloadSelector, ModelReference model) {
    public DeclaredModel {
      Objects.requireNonNull(workloadSelector, "workloadSelector");
      Objects.requireNonNull(model, "model");
    }

    public boolean selects(Map<String, String> workloadLabels) {
      return workloadSelector.matches(workloadLabels);
    }
  }
}
