package dev.modelgate.policy.crd;

import dev.modelgate.policy.CompileError.Kind;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.DigestPolicy;
import dev.modelgate.policy.Mode;
import dev.modelgate.policy.OnError;
import dev.modelgate.policy.PolicyMatch;
import dev.modelgate.policy.PolicyRules;
import dev.modelgate.policy.ServingRules;
import dev.modelgate.trust.SigstoreTrustRoot;
import dev.modelgate.verify.Authority;
import dev.modelgate.verify.VerificationPolicy;
import dev.modelgate.verify.VerifyOptions;
import io.fabric8.kubernetes.client.CustomResource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Turns policy and trust-root resources into compiled values, off the request path: PEM parsed,
 * regular expressions and globs compiled, trust roots resolved. Every problem found becomes an
 * error on the compiled policy (reported in its status), never an exception, and never a policy
 * that checks less than it says. Each part has its compiler: trust roots ({@link
 * TrustRootCompiler}), what a policy matches ({@link MatchCompiler}), authorities ({@link
 * AuthorityCompiler}), verification options ({@link OptionsCompiler}), and rules, attestations,
 * lineage and files ({@link PolicyRulesCompiler}); each reports into a {@link CompileErrors} scoped
 * to the field it reads.
 */
public final class PolicyCompiler {
  private final Supplier<SigstoreTrustRoot> publicGood;

  public PolicyCompiler(Supplier<SigstoreTrustRoot> publicGood) {
    this.publicGood = publicGood;
  }

  /**
   * A compiler whose keyless authorities default to the embedded public-good root, loaded on first
   * use.
   */
  public static PolicyCompiler withEmbeddedPublicGoodRoot() {
    SigstoreTrustRoot[] memo = new SigstoreTrustRoot[1];
    return new PolicyCompiler(
        () -> {
          synchronized (memo) {
            if (memo[0] == null) {
              memo[0] = SigstoreTrustRoot.publicGood();
            }
            return memo[0];
          }
        });
  }

  /** A {@code ModelTrustRoot}, with the Sigstore JSON its configMapRef resolved to (or null). */
  public TrustMaterial compileTrustRoot(ModelTrustRoot r, String resolvedSigstoreJson) {
    return TrustRootCompiler.compile(r, resolvedSigstoreJson);
  }

  public CompiledPolicy compile(
      CustomResource<ModelPolicySpec, PolicyStatus> resource, Map<String, TrustMaterial> roots) {
    String kind = resource.getKind();
    boolean cluster = resource instanceof ClusterModelPolicy;
    String ns = cluster ? "" : AuthorityCompiler.nullToEmpty(resource.getMetadata().getNamespace());
    String name = resource.getMetadata().getName();
    ModelPolicySpec spec = resource.getSpec();
    CompileErrors errors = CompileErrors.atSpec();
    if (spec == null) {
      errors.add(Kind.FIELD_MISSING, "the policy has no spec");
      return CompiledPolicy.broken(kind, ns, name, PolicyMatch.EVERYTHING, errors.list());
    }
    if (!cluster && ns.isEmpty()) {
      // An empty namespace means "every namespace" to CompiledPolicy.appliesIn; a ModelPolicy must
      // never get that reach (the API server always sets it; a policy file may forget it).
      errors
          .atDocument("metadata.namespace")
          .add(
              Kind.FIELD_MISSING,
              "a ModelPolicy needs a namespace; use a ClusterModelPolicy to match every namespace");
    }
    CompileErrors matchErrors = errors.at("match").separate();
    PolicyMatch match = MatchCompiler.compile(spec.match, cluster, matchErrors);
    errors.addAll(matchErrors);
    List<Authority> authorities =
        new AuthorityCompiler(publicGood, roots)
            .compile(spec.authorities, errors.at("authorities"));
    int threshold =
        spec.signatures == null || spec.signatures.threshold == null
            ? 1
            : spec.signatures.threshold;
    if (!authorities.isEmpty() && (threshold < 1 || threshold > authorities.size())) {
      errors
          .at("signatures")
          .at("threshold")
          .add(
              Kind.VALUE_INVALID,
              "is "
                  + threshold
                  + ", but must be from 1 to the number of authorities ("
                  + authorities.size()
                  + ")");
    }
    VerifyOptions options = OptionsCompiler.compile(spec.verification, errors.at("verification"));
    PolicyRules rules = PolicyRulesCompiler.compile(spec, authorities, errors);
    ServingRules serving =
        ServingRulesCompiler.compile(
            spec, kind + "/" + (ns.isEmpty() ? "" : ns + "/") + name, cluster, errors);
    if (!errors.isEmpty() || authorities.isEmpty()) {
      if (errors.isEmpty()) {
        errors.at("authorities").add(Kind.FIELD_MISSING, "the policy lists no authorities");
      }
      // A broken policy denies what it matches; when its match itself is broken, that is
      // everything.
      return CompiledPolicy.broken(
          kind,
          ns,
          name,
          matchErrors.isEmpty() ? match : PolicyMatch.EVERYTHING,
          Boolean.TRUE.equals(spec.requireModels),
          errors.list());
    }
    Mode mode =
        spec.mode == null ? Mode.ENFORCE : Mode.valueOf(spec.mode.name().toUpperCase(Locale.ROOT));
    long generation =
        resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();
    String document = PolicyYaml.document(resource, spec, roots);
    // Cached verdicts are for this content: the policy, and the trust roots it names, as compiled.
    String identity =
        kind
            + "/"
            + (ns.isEmpty() ? "" : ns + "/")
            + name
            + "@"
            + generation
            + "#"
            + sha256(document);
    return new CompiledPolicy(
        kind,
        ns,
        name,
        AuthorityCompiler.nullToEmpty(resource.getMetadata().getUid()),
        generation,
        mode,
        match,
        Optional.of(new VerificationPolicy(authorities, threshold, options, identity)),
        spec.digest == null
            ? DigestPolicy.MUTATE
            : DigestPolicy.valueOf(
                spec.digest.name().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT)),
        spec.onError == ModelPolicySpec.OnError.Allow ? OnError.ALLOW : OnError.DENY,
        spec.verification != null && Boolean.TRUE.equals(spec.verification.requireReadOnlyMounts),
        Boolean.TRUE.equals(spec.requireModels),
        rules,
        document,
        List.of(),
        serving);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
