package dev.modelgate.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a policy asks beyond the signature: file rules over the signed names, and attestations that
 * must hold (OMS maturity level 3).
 */
public record PolicyRules(
    List<ModelGlob> denyFiles,
    List<ModelGlob> requireFiles,
    List<AttestationRule> attestations,
    Optional<LineageRule> lineage) {
  public static final PolicyRules NONE =
      new PolicyRules(List.of(), List.of(), List.of(), Optional.empty());

  public PolicyRules {
    denyFiles = List.copyOf(denyFiles);
    requireFiles = List.copyOf(requireFiles);
    attestations = List.copyOf(attestations);
    Objects.requireNonNull(lineage, "lineage");
  }

  /**
   * One required attestation: type, who may sign it (empty: any authority of the policy), and a
   * condition.
   */
  public record AttestationRule(
      String name,
      String predicateType,
      Set<String> authorities,
      Optional<CelCondition> condition) {
    public AttestationRule {
      authorities = Set.copyOf(authorities);
    }
  }
}
