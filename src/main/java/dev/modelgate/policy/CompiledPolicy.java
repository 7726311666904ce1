package dev.modelgate.policy;

import dev.modelgate.verify.VerificationPolicy;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A policy ready for the admission path: keys parsed, globs and regular expressions compiled, trust
 * roots resolved. A policy that did not compile carries its {@link CompileError}s, each at its
 * field, and no verification; it denies every model it matches (its match is {@link
 * PolicyMatch#EVERYTHING} when even that could not be read), so a broken policy never silently
 * weakens the webhook.
 *
 * @param namespace the namespace of a ModelPolicy; "" for a ClusterModelPolicy
 * @param requireModels a workload the policy selects (namespace and workload selectors) that names
 *     no model fails it with NO_MODEL_DECLARED
 * @param document the policy and the trust roots it names, as YAML documents: what a volume
 *     verifier in the pod compiles again
 * @param serving runtime adapter loading, sealed downloads and declared models
 */
public record CompiledPolicy(
    String kind,
    String namespace,
    String name,
    String uid,
    long generation,
    Mode mode,
    PolicyMatch match,
    Optional<VerificationPolicy> verification,
    DigestPolicy digest,
    OnError onError,
    boolean requireReadOnlyMounts,
    boolean requireModels,
    PolicyRules rules,
    String document,
    List<CompileError> errors,
    ServingRules serving) {

  public CompiledPolicy {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(verification, "verification");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(onError, "onError");
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(serving, "serving");
    errors = List.copyOf(errors);
    if (errors.isEmpty() == verification.isEmpty()) {
      throw new IllegalArgumentException(
          "a compiled policy has either a verification or errors, not both or neither");
    }
  }

  public static CompiledPolicy broken(
      String kind, String namespace, String name, PolicyMatch match, List<CompileError> errors) {
    return broken(kind, namespace, name, match, false, errors);
  }

  /** As above; with {@code requireModels} it also denies the model-less workloads it selects. */
  public static CompiledPolicy broken(
      String kind,
      String namespace,
      String name,
      PolicyMatch match,
      boolean requireModels,
      List<CompileError> errors) {
    return new CompiledPolicy(
        kind,
        namespace,
        name,
        "",
        0,
        Mode.ENFORCE,
        match,
        Optional.empty(),
        DigestPolicy.REQUIRE,
        OnError.DENY,
        false,
        requireModels,
        PolicyRules.NONE,
        "",
        errors,
        ServingRules.NONE);
  }

  public boolean ready() {
    return errors.isEmpty();
  }

  /** As users write it: {@code ClusterModelPolicy/signed-models} or {@code ModelPolicy/ns/name}. */
  public String displayName() {
    return kind + "/" + (namespace.isEmpty() ? "" : namespace + "/") + name;
  }

  /** A ModelPolicy applies only in its own namespace. */
  public boolean appliesIn(String requestNamespace) {
    return namespace.isEmpty() || namespace.equals(requestNamespace);
  }
}
