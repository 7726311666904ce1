package dev.modelgate.policy;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelScheme;
import dev.modelgate.verify.ModelVerificationService;
import dev.modelgate.verify.VerificationResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One policy's judgement of one model, the only one there is: the webhook, {@code check} and the
 * verifier injected into pods ({@code verify-volume}) all call it, so they cannot disagree on what
 * passes. It takes what verification established (signature, signers counted against the policy's
 * threshold, content, attestations) and adds the policy's own clauses: file rules and attestation
 * conditions ({@link PolicyChecks}), then lineage, each ancestor verified through {@code bases}
 * before the request's deadline ({@link LineageCheck}), then the digest pin. {@link #effect} is the
 * one place where a policy's mode and {@code onError} turn a verdict into a denial, a warning or a
 * record.
 */
public final class Judgement {
  /** What a verdict does to the workload. */
  public enum Effect {
    /** It passed. */
    PASS,
    /** It failed an Enforce policy (or one that does not compile): the workload is denied. */
    DENY,
    /** It failed a Warn policy: admitted, and the user is told. */
    WARN,
    /**
     * It failed only because a source did not answer in time, and the policy's {@code onError:
     * Allow} admits such a model unverified, with a warning that says so.
     */
    WAIVED,
    /** It failed an Audit policy: admitted, and the outcome recorded. */
    RECORD;

    /** True when the workload is still admitted. */
    public boolean admits() {
      return this != DENY;
    }
  }

  private final ModelVerificationService bases;

  /**
   * @param bases verifies the base models a lineage clause follows, with the transport rules
   *     (registry credentials, plain-HTTP registries, file models or not) of whoever judges
   */
  public Judgement(ModelVerificationService bases) {
    this.bases = bases;
  }

  /**
   * A policy that does not compile denies every model it matches (in Enforce, whatever it says).
   */
  public static ModelVerdict notCompiled(ModelReference model, CompiledPolicy p) {
    Failure f =
        Failure.of(
            Reason.POLICY_INVALID,
            "policy %s does not compile: %s",
            p.displayName(),
            CompileError.summary(p.errors()));
    return ModelVerdict.of(model, p.displayName(), Mode.ENFORCE, List.of(f));
  }

  /**
   * Policy {@code p}'s verdict on {@code model}, whose verification under {@code p.verification()}
   * gave {@code r}. Lineage is followed only until {@code deadline}. An OCI model named by tag is
   * pinned to the digest it resolved to when everything passed and the policy says {@code digest:
   * Mutate}.
   */
  public ModelVerdict verdict(
      ModelReference model, CompiledPolicy p, VerificationResult r, Instant deadline) {
    if (!p.ready()) {
      return notCompiled(model, p);
    }
    RuleOutcome outcome = rules(p.rules(), model, r, deadline);
    List<Failure> failures = outcome.failures();
    List<String> held = outcome.heldAttestations();
    List<String> chain = outcome.lineage().map(LineageCheck.Result::chain).orElse(List.of());
    Optional<String> pinned =
        byTag(model) && p.digest() == DigestPolicy.MUTATE && failures.isEmpty()
            ? r.resolvedDigest().map(d -> model.uri().location() + "@" + d)
            : Optional.empty();
    return new ModelVerdict(
        model,
        Optional.of(p.displayName()),
        p.mode(),
        r.signer(),
        r.authorities(),
        failures,
        pinned,
        held,
        chain,
        r.imageDirectory());
  }

  /**
   * What a policy's rules find in a verification result: its failures, then (when it verified) the
   * file rules and attestation conditions, and lineage followed until {@code deadline}. The one
   * reading of the rules, for admission's verdict and for a bill of materials, which also needs the
   * lineage's verified ancestors.
   */
  public record RuleOutcome(
      List<Failure> failures,
      List<String> heldAttestations,
      Optional<LineageCheck.Result> lineage) {}

  /** The rules' outcome on {@code model}, verified as {@code r}. */
  public RuleOutcome rules(
      PolicyRules rules, ModelReference model, VerificationResult r, Instant deadline) {
    List<Failure> failures = new ArrayList<>(r.failures());
    if (!r.verified()) {
      return new RuleOutcome(List.copyOf(failures), List.of(), Optional.empty());
    }
    PolicyChecks.Result checks = PolicyChecks.after(rules, model.name(), model.uri().toString(), r);
    failures.addAll(checks.failures());
    Optional<LineageCheck.Result> lineage =
        rules.lineage().map(rule -> new LineageCheck(bases).check(rule, r, deadline));
    lineage.ifPresent(l -> failures.addAll(l.failures()));
    return new RuleOutcome(List.copyOf(failures), checks.heldAttestations(), lineage);
  }

  /** The failure of an OCI model named by tag under a policy whose digest rule is Require. */
  public static Optional<Failure> digestRequired(
      ModelReference model, DigestPolicy digest, String policy) {
    return byTag(model) && digest == DigestPolicy.REQUIRE
        ? Optional.of(
            Failure.of(
                Reason.DIGEST_REQUIRED,
                "policy %s requires a digest reference (@sha256:...), not a tag",
                policy))
        : Optional.empty();
  }

  /** An OCI model named by tag, not by digest. */
  static boolean byTag(ModelReference model) {
    return model.uri().scheme() == ModelScheme.OCI && !model.uri().location().contains("@");
  }

  /** What {@code v}, a verdict of a policy with {@code onError}, does to the workload. */
  public static Effect effect(ModelVerdict v, OnError onError) {
    return effect(v.mode(), onError, v.failures());
  }

  /**
   * The one place where a mode turns failures into a denial, a warning, or a record. Only an answer
   * that is entirely "did not answer in time" (UNAVAILABLE) is waived by {@code onError: Allow};
   * anything refused, malformed or unforeseen is judged by the mode.
   */
  public static Effect effect(Mode mode, OnError onError, List<Failure> failures) {
    if (failures.isEmpty()) {
      return Effect.PASS;
    }
    if (onError == OnError.ALLOW
        && failures.stream().allMatch(f -> f.reason() == Reason.UNAVAILABLE)) {
      return Effect.WAIVED;
    }
    switch (mode) {
      case WARN:
        return Effect.WARN;
      case AUDIT:
        return Effect.RECORD;
      case ENFORCE:
      default:
        return Effect.DENY;
    }
  }
}
