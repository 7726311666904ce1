package dev.modelgate.policy;

import dev.modelgate.source.ModelReference;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a policy says about serving runtimes and the models workloads use without naming them:
 * whether runtime adapter loading is allowed, whether Hugging Face downloads are sealed in the
 * containers that mount a model it matches, the models it declares for workloads that cannot carry
 * annotations, and which workloads may write the claims its models live on.
 *
 * @param allowRuntimeAdapterLoading admit servers that load adapters through their API (unsafe)
 * @param sealRuntimeDownloads set and require {@code HF_HUB_OFFLINE=1}, {@code
 *     TRANSFORMERS_OFFLINE=1} on containers that mount a matched model
 * @param declaredModels models declared for the workloads each entry's selector picks
 * @param claimWriters workloads allowed to mount writable the claims its models live on
 */
public record ServingRules(
    boolean allowRuntimeAdapterLoading,
    boolean sealRuntimeDownloads,
    List<DeclaredModel> declaredModels,
    List<ClaimWriter> claimWriters) {
  public static final ServingRules NONE = new ServingRules(false, false, List.of(), List.of());

  public ServingRules {
    declaredModels = List.copyOf(declaredModels);
    claimWriters = List.copyOf(claimWriters);
  }

  /** Rules without claim writers. */
  public ServingRules(
      boolean allowRuntimeAdapterLoading,
      boolean sealRuntimeDownloads,
      List<DeclaredModel> declaredModels) {
    this(allowRuntimeAdapterLoading, sealRuntimeDownloads, declaredModels, List.of());
  }

  /** True when some entry of {@link #claimWriters} lets this workload write {@code claim}. */
  public boolean writerAllowed(
      Map<String, String> namespaceLabels, Map<String, String> workloadLabels, String claim) {
    return claimWriters.stream().anyMatch(w -> w.allows(namespaceLabels, workloadLabels, claim));
  }

  /**
   * Workloads that may mount writable the claims a policy's models live on (a download Job): those
   * in the namespaces {@code namespaceSelector} picks whose pod template labels match {@code
   * workloadSelector}, for the claims whose names match one of {@code claims} ({@code *} and {@code
   * ?} globs).
   */
  public record ClaimWriter(
      LabelSelector namespaceSelector, LabelSelector workloadSelector, List<ModelGlob> claims) {
    public ClaimWriter {
      Objects.requireNonNull(namespaceSelector, "namespaceSelector");
      Objects.requireNonNull(workloadSelector, "workloadSelector");
      claims = List.copyOf(claims);
    }

    public boolean allows(
        Map<String, String> namespaceLabels, Map<String, String> workloadLabels, String claim) {
      return namespaceSelector.matches(namespaceLabels)
          && workloadSelector.matches(workloadLabels)
          && claims.stream().anyMatch(g -> g.matches(claim));
    }
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
