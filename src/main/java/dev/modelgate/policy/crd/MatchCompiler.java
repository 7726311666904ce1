package dev.modelgate.policy.crd;

import dev.modelgate.policy.CompileError.Kind;
import dev.modelgate.policy.LabelSelector;
import dev.modelgate.policy.ModelGlob;
import dev.modelgate.policy.PolicyMatch;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Compiles what a policy matches: namespace and workload selectors, and model-URI globs. */
final class MatchCompiler {
  private MatchCompiler() {}

  /** {@code spec.match}; {@code at} is its scope. */
  static PolicyMatch compile(ModelPolicySpec.Match m, boolean cluster, CompileErrors at) {
    if (m == null) {
      return PolicyMatch.EVERYTHING;
    }
    if (!cluster && m.namespaceSelector != null) {
      at.at("namespaceSelector")
          .add(
              Kind.FIELD_CONFLICT,
              "is only allowed in a ClusterModelPolicy; a ModelPolicy applies in its own namespace");
    }
    LabelSelector ns = selector(m.namespaceSelector, at.at("namespaceSelector"));
    LabelSelector wl = selector(m.workloadSelector, at.at("workloadSelector"));
    List<ModelGlob> globs = globs(m.models, at.at("models"));
    return new PolicyMatch(ns, wl, globs);
  }

  /** Each pattern compiled, or a GLOB_INVALID error at its index. */
  static List<ModelGlob> globs(List<String> patterns, CompileErrors at) {
    List<ModelGlob> out = new ArrayList<>();
    for (int i = 0; patterns != null && i < patterns.size(); i++) {
      try {
        out.add(ModelGlob.compile(patterns.get(i)));
      } catch (IllegalArgumentException e) {
        at.at(i).add(Kind.GLOB_INVALID, e.getMessage());
      }
    }
    return out;
  }

  static LabelSelector selector(io.fabric8.kubernetes.api.model.LabelSelector s, CompileErrors at) {
    if (s == null) {
      return LabelSelector.ALL;
    }
    List<LabelSelector.Requirement> reqs = new ArrayList<>();
    List<LabelSelectorRequirement> expressions =
        s.getMatchExpressions() == null ? List.of() : s.getMatchExpressions();
    for (int i = 0; i < expressions.size(); i++) {
      LabelSelectorRequirement r = expressions.get(i);
      CompileErrors here = at.at("matchExpressions").at(i);
      Optional<LabelSelector.Operator> op = LabelSelector.Operator.parse(r.getOperator());
      if (r.getKey() == null || r.getKey().isEmpty()) {
        here.at("key").add(Kind.FIELD_MISSING, "a requirement needs a key");
      } else if (op.isEmpty()) {
        here.at("operator")
            .add(
                Kind.SELECTOR_INVALID,
                "unknown operator '"
                    + r.getOperator()
                    + "' ("
                    + LabelSelector.Operator.SPELLINGS
                    + ")");
      } else {
        try {
          reqs.add(
              new LabelSelector.Requirement(
                  r.getKey(),
                  op.get(),
                  r.getValues() == null ? Set.of() : new HashSet<>(r.getValues())));
        } catch (IllegalArgumentException e) {
          here.add(Kind.SELECTOR_INVALID, e.getMessage());
        }
      }
    }
    return new LabelSelector(s.getMatchLabels() == null ? Map.of() : s.getMatchLabels(), reqs);
  }
}
