package dev.modelgate.policy.crd;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.policy.CompileError.Kind;
import dev.modelgate.policy.LabelSelector;
import dev.modelgate.policy.ServingRules;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelScheme;
import dev.modelgate.source.ModelUri;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Compiles what a policy says about serving runtimes: {@code
 * verification.allowRuntimeAdapterLoading}, {@code verification.sealRuntimeDownloads}, {@code
 * declaredModels} and {@code claimWriters} ({@link ClaimWritersCompiler}). A declared model is
 * parsed as the annotation would be, so a URI the annotation refuses (a download scheme, a bad
 * claim name) is a compile error here, at its field, and never a surprise at admission.
 */
final class ServingRulesCompiler {
  private ServingRulesCompiler() {}

  /** The names a model annotation key may carry after {@code model.modelgate.dev/}. */
  private static final String NAME = "[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?";

  static ServingRules compile(
      ModelPolicySpec spec, String policyName, boolean cluster, CompileErrors errors) {
    ModelPolicySpec.Verification v = spec.verification;
    boolean adapters = v != null && Boolean.TRUE.equals(v.allowRuntimeAdapterLoading);
    boolean seal = v != null && Boolean.TRUE.equals(v.sealRuntimeDownloads);
    List<ServingRules.DeclaredModel> declared = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<ModelPolicySpec.DeclaredModel> entries =
        spec.declaredModels == null ? List.of() : spec.declaredModels;
    for (int i = 0; i < entries.size(); i++) {
      ModelPolicySpec.DeclaredModel d = entries.get(i);
      CompileErrors at = errors.at("declaredModels").at(i);
      CompileErrors mine = at.separate();
      if (d == null) {
        at.add(Kind.FIELD_MISSING, "is empty");
        continue;
      }
      if (d.name == null || !d.name.matches(NAME)) {
        mine.at("name")
            .add(
                d.name == null ? Kind.FIELD_MISSING : Kind.VALUE_INVALID,
                d.name == null
                    ? "a declared model needs a name"
                    : "'" + d.name + "' is not a model name (lowercase letters, digits, '-', '.')");
      } else if (!names.add(d.name)) {
        mine.at("name").add(Kind.NAME_DUPLICATE, "'" + d.name + "' is declared twice");
      }
      if (d.workloadSelector == null) {
        mine.at("workloadSelector")
            .add(
                Kind.FIELD_MISSING,
                "a declared model names the workloads that use it (an empty selector would give it to every workload the policy selects)");
      }
      ModelUri uri = null;
      if (d.uri == null) {
        mine.at("uri").add(Kind.FIELD_MISSING, "a declared model needs a uri");
      } else {
        try {
          uri = ModelUri.parse(d.uri);
          if (uri.scheme() == ModelScheme.FILE) {
            mine.at("uri")
                .add(
                    Kind.VALUE_INVALID,
                    "file:// names a directory on the webhook's machine, not in the workload's pod; declare oci://, pvc:// or volume://");
          }
        } catch (InvalidInputException e) {
          mine.at("uri").add(Kind.VALUE_INVALID, e.getMessage());
        }
      }
      LabelSelector selector =
          MatchCompiler.selector(d.workloadSelector, mine.at("workloadSelector"));
      boolean wrong = !mine.isEmpty();
      at.addAll(mine);
      if (wrong || uri == null) {
        continue;
      }
      try {
        ModelReference m =
            new ModelReference(
                d.name,
                uri,
                d.signature == null ? "" : d.signature,
                policyName + " spec.declaredModels[" + i + "]");
        declared.add(new ServingRules.DeclaredModel(selector, m));
      } catch (InvalidInputException e) {
        at.at("signature").add(Kind.VALUE_INVALID, e.getMessage());
      }
    }
    return new ServingRules(
        adapters, seal, declared, ClaimWritersCompiler.compile(spec.claimWriters, cluster, errors));
  }
}
