package dev.modelgate.policy.crd;

import dev.modelgate.policy.CompileError.Kind;
import dev.modelgate.policy.LabelSelector;
import dev.modelgate.policy.ModelGlob;
import dev.modelgate.policy.ServingRules;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles {@code spec.claimWriters}: the workloads a policy lets mount writable the claims its
 * models live on. Every part is written out: a writer entry without a workload selector or without
 * claims would open every claim to every workload, so both are required ({@code {}} and {@code "*"}
 * say "all" explicitly). Claim globs are checked against what a claim name can hold, so a pattern
 * that can never match (a path, an upper-case letter) is an error at its field, not a silent no-op.
 */
final class ClaimWritersCompiler {
  private ClaimWritersCompiler() {}

  /** A claim name (DNS subdomain) with {@code *} and {@code ?} wildcards. */
  private static final String CLAIM_GLOB = "[a-z0-9*?]([-a-z0-9.*?]{0,251}[a-z0-9*?])?";

  static List<ServingRules.ClaimWriter> compile(
      List<ModelPolicySpec.ClaimWriter> entries, boolean cluster, CompileErrors errors) {
    List<ServingRules.ClaimWriter> out = new ArrayList<>();
    for (int i = 0; entries != null && i < entries.size(); i++) {
      ModelPolicySpec.ClaimWriter w = entries.get(i);
      CompileErrors at = errors.at("claimWriters").at(i);
      CompileErrors mine = at.separate();
      if (w == null) {
        at.add(Kind.FIELD_MISSING, "is empty");
        continue;
      }
      if (!cluster && w.namespaceSelector != null) {
        mine.at("namespaceSelector")
            .add(
                Kind.FIELD_CONFLICT,
                "is only allowed in a ClusterModelPolicy; a ModelPolicy applies in its own namespace");
      }
      if (w.workloadSelector == null) {
        mine.at("workloadSelector")
            .add(
                Kind.FIELD_MISSING,
                "a claim writer names the workloads that may write ({} for every workload, written out)");
      }
      List<ModelGlob> claims = new ArrayList<>();
      if (w.claims == null || w.claims.isEmpty()) {
        mine.at("claims")
            .add(
                Kind.FIELD_MISSING,
                "a claim writer names the claims it may write (\"*\" for every claim, written out)");
      } else {
        for (int c = 0; c < w.claims.size(); c++) {
          String glob = w.claims.get(c);
          if (glob == null || !glob.matches(CLAIM_GLOB)) {
            mine.at("claims")
                .at(c)
                .add(
                    Kind.GLOB_INVALID,
                    "'"
                        + glob
                        + "' is not a claim name glob (lowercase letters, digits, '-', '.', with '*' and '?')");
          } else {
            claims.add(ModelGlob.compile(glob));
          }
        }
      }
      LabelSelector namespaces =
          MatchCompiler.selector(w.namespaceSelector, mine.at("namespaceSelector"));
      LabelSelector workloads =
          MatchCompiler.selector(w.workloadSelector, mine.at("workloadSelector"));
      boolean wrong = !mine.isEmpty();
      at.addAll(mine);
      if (!wrong) {
        out.add(new ServingRules.ClaimWriter(namespaces, workloads, claims));
      }
    }
    return out;
  }
}
