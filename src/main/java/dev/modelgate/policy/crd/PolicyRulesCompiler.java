package dev.modelgate.policy.crd;

import dev.modelgate.policy.CelCondition;
import dev.modelgate.policy.CompileError.Kind;
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
import java.util.TreeSet;

/**
 * Compiles what a policy asks beyond the signature: file globs, attestation rules (their CEL
 * conditions compiled once, here), and the lineage clause. Problems are reported at their field of
 * {@code spec}.
 */
final class PolicyRulesCompiler {
  private PolicyRulesCompiler() {}

  /** File globs and attestation rules; CEL conditions are compiled here, once. */
  static PolicyRules compile(
      ModelPolicySpec spec, List<Authority> authorities, CompileErrors errors) {
    CompileErrors files = errors.at("files");
    List<ModelGlob> deny =
        MatchCompiler.globs(spec.files == null ? null : spec.files.deny, files.at("deny"));
    List<ModelGlob> require =
        MatchCompiler.globs(spec.files == null ? null : spec.files.require, files.at("require"));
    List<PolicyRules.AttestationRule> out = new ArrayList<>();
    Set<String> known = new TreeSet<>();
    authorities.forEach(a -> known.add(a.name()));
    Set<String> names = new HashSet<>();
    for (int i = 0; spec.attestations != null && i < spec.attestations.size(); i++) {
      ModelPolicySpec.Attestation a = spec.attestations.get(i);
      CompileErrors at = errors.at("attestations").at(i);
      if (a.name == null
          || a.name.isBlank()
          || a.predicateType == null
          || a.predicateType.isBlank()) {
        at.add(Kind.FIELD_MISSING, "an attestation rule needs a name and a predicateType");
        continue;
      }
      if (!names.add(a.name)) {
        at.at("name").add(Kind.NAME_DUPLICATE, "'" + a.name + "' names two attestation rules");
      }
      List<String> listed = a.authorities == null ? List.of() : a.authorities;
      for (int j = 0; j < listed.size(); j++) {
        if (!known.contains(listed.get(j))) {
          at.at("authorities")
              .at(j)
              .add(
                  Kind.AUTHORITY_UNKNOWN,
                  "'" + listed.get(j) + "' is not one of this policy's authorities " + known);
        }
      }
      Optional<CelCondition> condition = Optional.empty();
      if (a.condition != null && !a.condition.isBlank()) {
        try {
          condition = Optional.of(CelCondition.compile(a.condition));
        } catch (IllegalArgumentException e) {
          at.at("condition").add(Kind.CEL_INVALID, e.getMessage());
        }
      }
      out.add(
          new PolicyRules.AttestationRule(
              a.name, a.predicateType, new HashSet<>(listed), condition));
    }
    return new PolicyRules(
        deny, require, out, lineage(spec, authorities, known, errors.at("lineage")));
  }

  private static Optional<LineageRule> lineage(
      ModelPolicySpec spec, List<Authority> authorities, Set<String> known, CompileErrors at) {
    if (spec.lineage == null) {
      return Optional.empty();
    }
    List<Authority> ancestors = new ArrayList<>();
    List<String> listed = spec.lineage.authorities == null ? List.of() : spec.lineage.authorities;
    for (int j = 0; j < listed.size(); j++) {
      String n = listed.get(j);
      Optional<Authority> a = authorities.stream().filter(x -> x.name().equals(n)).findFirst();
      if (a.isPresent()) {
        ancestors.add(a.get());
      } else {
        at.at("authorities")
            .at(j)
            .add(
                Kind.AUTHORITY_UNKNOWN,
                "'" + n + "' is not one of this policy's authorities " + known);
      }
    }
    int depth = spec.lineage.maxDepth == null ? 1 : spec.lineage.maxDepth;
    if (ancestors.isEmpty()) {
      at.at("authorities").add(Kind.FIELD_MISSING, "lineage needs at least one authority");
      return Optional.empty();
    }
    if (depth < 1 || depth > 10) {
      at.at("maxDepth").add(Kind.VALUE_INVALID, "must be from 1 to 10, not " + depth);
      return Optional.empty();
    }
    return Optional.of(
        new LineageRule(depth, new VerificationPolicy(ancestors, 1, VerifyOptions.DEFAULTS)));
  }
}
