package dev.modelgate.policy.crd;

import dev.modelgate.policy.CelCondition;
import dev.modelgate.policy.LineageRule;
import dev.modelgate.policy.ModelGlob;
import dev.modelgate.policy.PolicyRules;
import dev.modelgate.verify.Authority;
import dev.modelgate.verify.VerificationPolicy;
import dev.modelgate.verify.VerifyOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles what a policy asks beyond the signature: file globs, attestation rules (their CEL
 * conditions compiled once, here), and the lineage clause. Problems are added to {@code errors}.
 */
final class PolicyRulesCompiler {
  private PolicyRulesCompiler() {}

  /** File globs and attestation rules; CEL conditions are compiled here, once. */
  static PolicyRules compile(
      ModelPolicySpec spec, List<Authority> authorities, List<String> errors) {
    List<ModelGlob> deny = globs(spec.files == null ? null : spec.files.deny, "files.deny", errors);
    List<ModelGlob> require =
        globs(spec.files == null ? null : spec.files.require, "files.require", errors);
    List<PolicyRules.AttestationRule> out = new ArrayList<>();
    Set<String> known = new HashSet<>();
    authorities.forEach(a -> known.add(a.name()));
    Set<String> names = new HashSet<>();
    for (int i = 0; spec.attestations != null && i < spec.attestations.size(); i++) {
      ModelPolicySpec.Attestation a = spec.attestations.get(i);
      String where = "attestations[" + i + "]" + (a.name == null ? "" : " ('" + a.name + "')");
      if (a.name == null
          || a.name.isBlank()
          || a.predicateType == null
          || a.predicateType.isBlank()) {
        errors.add(where + " needs a name and a predicateType");
        continue;
      }
      if (!names.add(a.name)) {
        errors.add(where + ": the name is used twice");
      }
      Set<String> allowed = new HashSet<>(a.authorities == null ? List.of() : a.authorities);
      for (String n : allowed) {
        if (!known.contains(n)) {
          errors.add(
              where + ": authority '" + n + "' is not one of this policy's authorities " + known);
        }
      }
      Optional<CelCondition> condition = Optional.empty();
      if (a.condition != null && !a.condition.isBlank()) {
        try {
          condition = Optional.of(CelCondition.compile(a.condition));
        } catch (IllegalArgumentException e) {
          errors.add(where + ": " + e.getMessage());
        }
      }
      out.add(new PolicyRules.AttestationRule(a.name, a.predicateType, allowed, condition));
    }
    Optional<LineageRule> lineage = Optional.empty();
    if (spec.lineage != null) {
      List<Authority> ancestors = new ArrayList<>();
      for (String n :
          spec.lineage.authorities == null ? List.<String>of() : spec.lineage.authorities) {
        authorities.stream()
            .filter(a -> a.name().equals(n))
            .findFirst()
            .ifPresentOrElse(
                ancestors::add,
                () ->
                    errors.add(
                        "lineage.authorities: '"
                            + n
                            + "' is not one of this policy's authorities "
                            + known));
      }
      int depth = spec.lineage.maxDepth == null ? 1 : spec.lineage.maxDepth;
      if (ancestors.isEmpty()) {
        errors.add("lineage needs at least one authority");
      } else if (depth < 1 || depth > 10) {
        errors.add("lineage.maxDepth must be from 1 to 10, got " + depth);
      } else {
        lineage =
            Optional.of(
                new LineageRule(
                    depth, new VerificationPolicy(ancestors, 1, VerifyOptions.DEFAULTS)));
      }
    }
    return new PolicyRules(deny, require, out, lineage);
  }

  private static List<ModelGlob> globs(List<String> patterns, String where, List<String> errors) {
    List<ModelGlob> out = new ArrayList<>();
    for (String g : patterns == null ? List.<String>of() : patterns) {
      try {
        out.add(ModelGlob.compile(g));
      } catch (IllegalArgumentException e) {
        errors.add(where + ": " + e.getMessage());
      }
    }
    return out;
  }
}
