package dev.modelgate.policy;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelScheme;
import dev.modelgate.source.Placement;
import dev.modelgate.verify.ModelVerificationService;
import dev.modelgate.verify.VerificationResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides a workload: for every model, every policy that matches it must pass (policy-controller's
 * rule: "ALL of those policies must be satisfied"); within a policy, the threshold of authorities.
 * Mode is applied in one place ({@link #apply}); a policy that did not compile denies what it
 * matches. Every branch that is not an explicit pass denies.
 */
public final class PolicyEngine {
  private final PolicyStore store;
  private final ModelVerificationService verifier;
  private final NoMatchBehaviour noMatch;

  public PolicyEngine(
      PolicyStore store, ModelVerificationService verifier, NoMatchBehaviour noMatch) {
    this.store = store;
    this.verifier = verifier;
    this.noMatch = noMatch;
  }

  /**
   * Decides {@code w}; {@code volumes} decides what admission can about models on volumes. What a
   * policy finds wrong with a model is a failure in that pair's verdict, not an exception.
   */
  public PolicyDecision decide(WorkloadContext w, Instant deadline, VolumeCheck volumes) {
    return decide(w, deadline, volumes, (m, p) -> List.of());
  }

  /**
   * As above; {@code pod} adds what the pod must satisfy for every model a policy matches, wherever
   * the model is verified (sealed runtime downloads), to that pair's verdict.
   */
  public PolicyDecision decide(
      WorkloadContext w, Instant deadline, VolumeCheck volumes, VolumeCheck pod) {
    List<CompiledPolicy> policies = store.policies();
    List<Finding> denials = new ArrayList<>();
    List<Finding> warnings = new ArrayList<>();
    List<ModelVerdict> verdicts = new ArrayList<>();
    if (w.models().isEmpty()) {
      for (CompiledPolicy p : policies) {
        if (p.requireModels()
            && p.appliesIn(w.namespace())
            && p.match().selects(w.namespaceLabels(), w.workloadLabels())) {
          Finding f = Finding.of(noModelDeclared(w, p));
          Mode mode = p.ready() ? p.mode() : Mode.ENFORCE;
          if (mode == Mode.WARN) {
            warnings.add(f);
          } else if (mode != Mode.AUDIT) {
            denials.add(f);
          }
        }
      }
      return PolicyDecision.of(denials, warnings, List.of());
    }
    for (ModelReference model : w.models()) {
      String uri = model.uri().toString();
      List<CompiledPolicy> matching = new ArrayList<>();
      for (CompiledPolicy p : policies) {
        if (p.appliesIn(w.namespace())
            && p.match().matches(w.namespaceLabels(), w.workloadLabels(), uri)) {
          matching.add(p);
        }
      }
      if (matching.isEmpty()) {
        noPolicy(model, denials, warnings, verdicts);
        continue;
      }
      for (CompiledPolicy p : matching) {
        ModelVerdict v = withPodChecks(evaluate(model, p, deadline, volumes), pod, p);
        verdicts.add(v);
        if (!v.passed()
            && p.onError() == OnError.ALLOW
            && v.failures().stream().allMatch(f -> f.reason() == Reason.UNAVAILABLE)) {
          warnings.add(new Finding.OfModel(v, true));
          continue;
        }
        apply(p.mode(), v, denials, warnings);
      }
    }
    return PolicyDecision.of(denials, warnings, verdicts);
  }

  /**
   * True when some policy with {@code requireModels} could select workloads in this namespace: then
   * labels are needed.
   */
  public boolean requiresModelsIn(String namespace) {
    return store.policies().stream().anyMatch(p -> p.requireModels() && p.appliesIn(namespace));
  }

  /**
   * True when labels are needed to decide a workload in this namespace that names no model: some
   * policy there requires models or declares them for the workloads it selects.
   */
  public boolean needsLabelsWithoutModels(String namespace) {
    return store.policies().stream()
        .anyMatch(
            p ->
                p.appliesIn(namespace)
                    && (p.requireModels() || !p.serving().declaredModels().isEmpty()));
  }

  /**
   * The models the ready policies that select this workload declare for it ({@code
   * spec.declaredModels}), each once by name: the first policy's, in store order, when two declare
   * one name.
   */
  public List<ModelReference> declaredModels(
      String namespace, Map<String, String> namespaceLabels, Map<String, String> workloadLabels) {
    Map<String, ModelReference> out = new LinkedHashMap<>();
    for (CompiledPolicy p : store.policies()) {
      if (!p.ready()
          || !p.appliesIn(namespace)
          || !p.match().selects(namespaceLabels, workloadLabels)) {
        continue;
      }
      for (ServingRules.DeclaredModel d : p.serving().declaredModels()) {
        if (d.selects(workloadLabels)) {
          out.putIfAbsent(d.model().name(), d.model());
        }
      }
    }
    return new ArrayList<>(out.values());
  }

  private static Failure noModelDeclared(WorkloadContext w, CompiledPolicy p) {
    return Failure.of(
        Reason.NO_MODEL_DECLARED,
        "%s %s/%s names no model (0 models found), and policy %s requires every workload it selects to declare its models: %s",
        w.kind(),
        w.namespace(),
        w.name(),
        p.displayName(),
        w.modelRemedy());
  }

  /** The verdict with what the pod must also satisfy for this (model, policy) pair. */
  private static ModelVerdict withPodChecks(ModelVerdict v, VolumeCheck pod, CompiledPolicy p) {
    if (!p.ready()) {
      return v;
    }
    List<Failure> more = pod.check(v.model(), p);
    if (more.isEmpty()) {
      return v;
    }
    List<Failure> all = new ArrayList<>(v.failures());
    all.addAll(more);
    return new ModelVerdict(
        v.model(),
        v.policy(),
        v.mode(),
        v.signer(),
        v.authorities(),
        all,
        Optional.empty(),
        v.attestations(),
        v.lineage());
  }

  /** The compiled, ready policies that apply to one model of a workload. */
  public List<CompiledPolicy> matching(WorkloadContext w, ModelReference model) {
    List<CompiledPolicy> out = new ArrayList<>();
    for (CompiledPolicy p : store.policies()) {
      if (p.ready()
          && p.appliesIn(w.namespace())
          && p.match().matches(w.namespaceLabels(), w.workloadLabels(), model.uri().toString())) {
        out.add(p);
      }
    }
    return out;
  }

  private ModelVerdict evaluate(
      ModelReference model, CompiledPolicy p, Instant deadline, VolumeCheck volumes) {
    if (!p.ready()) {
      Failure f =
          Failure.of(
              Reason.POLICY_INVALID,
              "policy %s does not compile: %s",
              p.displayName(),
              CompileError.summary(p.errors()));
      return ModelVerdict.of(model, p.displayName(), Mode.ENFORCE, List.of(f));
    }
    switch (model.placement().stage()) {
      case IN_POD:
        return ModelVerdict.of(model, p.displayName(), p.mode(), volumes.check(model, p));
      case POD_REVIEW:
        return ModelVerdict.of(model, p.displayName(), p.mode(), List.of());
      case REFUSED:
        Failure refused =
            Failure.of(Reason.MODEL_SOURCE_UNSUPPORTED, "%s", model.placement().detail());
        return ModelVerdict.of(model, p.displayName(), p.mode(), List.of(refused));
      case RUNTIME:
        Failure runtime = Failure.of(Reason.RUNTIME_MODEL_SOURCE, "%s", model.placement().detail());
        return ModelVerdict.of(model, p.displayName(), p.mode(), List.of(runtime));
      case RUNTIME_ADAPTERS:
        // Allowed only by a policy that says so: the adapters themselves are never verified.
        List<Failure> adapters =
            p.serving().allowRuntimeAdapterLoading()
                ? List.of()
                : List.of(
                    Failure.of(
                        Reason.RUNTIME_MODEL_SOURCE,
                        "%s; policy %s does not set verification.allowRuntimeAdapterLoading",
                        model.placement().detail(),
                        p.displayName()));
        return ModelVerdict.of(model, p.displayName(), p.mode(), adapters);
      case ADMISSION:
        break;
      default:
        Failure unknown =
            Failure.of(
                Reason.INTERNAL_ERROR,
                "no verification step for models delivered as %s",
                model.placement().stage());
        return ModelVerdict.of(model, p.displayName(), p.mode(), List.of(unknown));
    }
    Duration left = Duration.between(Instant.now(), deadline);
    if (left.isNegative() || left.isZero()) {
      Failure f =
          Failure.of(Reason.UNAVAILABLE, "timed out before verification of this model started");
      return ModelVerdict.of(model, p.displayName(), p.mode(), List.of(f));
    }
    boolean byTag =
        model.uri().scheme() == ModelScheme.OCI && !model.uri().location().contains("@");
    if (byTag && p.digest() == DigestPolicy.REQUIRE) {
      Failure f =
          Failure.of(
              Reason.DIGEST_REQUIRED,
              "policy %s requires a digest reference (@sha256:...), not a tag",
              p.displayName());
      return ModelVerdict.of(model, p.displayName(), p.mode(), List.of(f));
    }
    VerificationResult r = verifier.verify(model, p.verification().orElseThrow(), left);
    List<Failure> failures = new ArrayList<>(r.failures());
    List<String> held = List.of();
    List<String> chain = List.of();
    if (r.verified()) {
      PolicyChecks.Result checks =
          PolicyChecks.after(p.rules(), model.name(), model.uri().toString(), r);
      failures.addAll(checks.failures());
      held = checks.heldAttestations();
      if (p.rules().lineage().isPresent()) {
        LineageCheck.Result lineage =
            new LineageCheck(verifier).check(p.rules().lineage().get(), r, deadline);
        failures.addAll(lineage.failures());
        chain = lineage.chain();
      }
    }
    Optional<String> pinned =
        byTag && p.digest() == DigestPolicy.MUTATE && failures.isEmpty()
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
        chain);
  }

  /** The one place where a mode turns a failed verdict into a denial, a warning, or a record. */
  private static void apply(
      Mode mode, ModelVerdict v, List<Finding> denials, List<Finding> warnings) {
    if (v.passed()) {
      return;
    }
    switch (mode) {
      case WARN:
        warnings.add(Finding.of(v));
        return;
      case AUDIT:
        return;
      case ENFORCE:
      default:
        denials.add(Finding.of(v));
    }
  }

  private void noPolicy(
      ModelReference model,
      List<Finding> denials,
      List<Finding> warnings,
      List<ModelVerdict> verdicts) {
    // A source refused anyway says so too, so --no-match allow is a visible choice.
    Placement.Stage stage = model.placement().stage();
    String detail =
        stage == Placement.Stage.REFUSED
                || stage == Placement.Stage.RUNTIME
                || stage == Placement.Stage.RUNTIME_ADAPTERS
            ? model.placement().detail()
            : "";
    Failure f =
        Failure.of(
            Reason.NO_POLICY,
            "no policy matches this model%s",
            detail.isEmpty() ? "" : " (" + detail + ")");
    switch (noMatch) {
      case ALLOW:
        return;
      case WARN:
        ModelVerdict w = ModelVerdict.unmatched(model, Mode.WARN, List.of(f));
        verdicts.add(w);
        warnings.add(Finding.of(w));
        return;
      case DENY:
      default:
        ModelVerdict d = ModelVerdict.unmatched(model, Mode.ENFORCE, List.of(f));
        verdicts.add(d);
        denials.add(Finding.of(d));
    }
  }
}
