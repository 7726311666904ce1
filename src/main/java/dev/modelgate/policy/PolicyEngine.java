package dev.modelgate.policy;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.Placement;
import dev.modelgate.verify.ModelVerificationService;
import dev.modelgate.verify.VerificationResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Decides a workload: for every model, every policy that matches it must pass (policy-controller's
 * rule: "ALL of those policies must be satisfied"); within a policy, the threshold of authorities.
 * Each pair is judged by {@link Judgement}, the decision the injected verifier makes too, and its
 * mode applied in one place ({@link Judgement#effect}); a policy that did not compile denies what
 * it matches. Every branch that is not an explicit pass denies.
 */
public final class PolicyEngine {
  private final PolicyStore store;
  private final ModelVerificationService verifier;
  private final NoMatchBehaviour noMatch;
  private final Judgement judgement;

  public PolicyEngine(
      PolicyStore store, ModelVerificationService verifier, NoMatchBehaviour noMatch) {
    this.store = store;
    this.verifier = verifier;
    this.noMatch = noMatch;
    this.judgement = new Judgement(verifier);
  }

  /**
   * Decides {@code w}; {@code volumes} decides what admission can about models on volumes. What a
   * policy finds wrong with a model is a failure in that pair's verdict, not an exception.
   */
  public PolicyDecision decide(WorkloadContext w, Instant deadline, VolumeCheck volumes) {
    return decide(w, match(w), deadline, volumes, PodCheck.NONE);
  }

  /**
   * Every model of {@code w} with the policies that match it (compiled or not), in the store's
   * order: computed once per review, for the decision and for what is injected.
   */
  public Map<ModelReference, List<CompiledPolicy>> match(WorkloadContext w) {
    List<CompiledPolicy> policies = store.policies();
    Map<ModelReference, List<CompiledPolicy>> out = new LinkedHashMap<>();
    for (ModelReference model : w.models()) {
      String uri = model.uri().toString();
      List<CompiledPolicy> matching = new ArrayList<>();
      for (CompiledPolicy p : policies) {
        if (p.appliesIn(w.namespace())
            && p.match().matches(w.namespaceLabels(), w.workloadLabels(), uri)) {
          matching.add(p);
        }
      }
      out.put(model, List.copyOf(matching));
    }
    return out;
  }

  /** The ready policies of {@code matches}: what a volume model's verifier is given. */
  public static Map<ModelReference, List<CompiledPolicy>> ready(
      Map<ModelReference, List<CompiledPolicy>> matches) {
    Map<ModelReference, List<CompiledPolicy>> out = new LinkedHashMap<>();
    matches.forEach((m, ps) -> out.put(m, ps.stream().filter(CompiledPolicy::ready).toList()));
    return out;
  }

  /**
   * As above, with the policies that match each model ({@link #match}). The (model, policy) pairs
   * that need a verification run in parallel, each within the deadline; the verdicts and what they
   * do are then taken in the workload's order, so the answer is the one a sequential decision
   * gives.
   */
  public PolicyDecision decide(
      WorkloadContext w,
      Map<ModelReference, List<CompiledPolicy>> matches,
      Instant deadline,
      VolumeCheck volumes) {
    return decide(w, matches, deadline, volumes, PodCheck.NONE);
  }

  /**
   * As above; {@code pod} adds what the pod must satisfy for every model a policy matches, wherever
   * the model is verified (sealed runtime downloads), to that pair's verdict.
   */
  public PolicyDecision decide(
      WorkloadContext w,
      Map<ModelReference, List<CompiledPolicy>> matches,
      Instant deadline,
      VolumeCheck volumes,
      PodCheck pod) {
    List<Finding> denials = new ArrayList<>();
    List<Finding> warnings = new ArrayList<>();
    List<ModelVerdict> verdicts = new ArrayList<>();
    if (w.models().isEmpty()) {
      for (CompiledPolicy p : store.policies()) {
        if (p.requireModels()
            && p.appliesIn(w.namespace())
            && p.match().selects(w.namespaceLabels(), w.workloadLabels())) {
          Failure f = noModelDeclared(w, p);
          Mode mode = p.ready() ? p.mode() : Mode.ENFORCE;
          add(Judgement.effect(mode, OnError.DENY, List.of(f)), Finding.of(f), denials, warnings);
        }
      }
      return PolicyDecision.of(denials, warnings, List.of());
    }
    List<CompletableFuture<ModelVerdict>> pending = new ArrayList<>();
    for (ModelReference model : w.models()) {
      for (CompiledPolicy p : matches.getOrDefault(model, List.of())) {
        pending.add(
            verifies(model, p)
                ? CompletableFuture.supplyAsync(() -> evaluate(model, p, deadline, volumes), PAIRS)
                : CompletableFuture.completedFuture(evaluate(model, p, deadline, volumes)));
      }
    }
    int next = 0;
    for (ModelReference model : w.models()) {
      List<CompiledPolicy> matching = matches.getOrDefault(model, List.of());
      if (matching.isEmpty()) {
        noPolicy(model, denials, warnings, verdicts);
        continue;
      }
      for (CompiledPolicy p : matching) {
        ModelVerdict v = withPodChecks(result(pending.get(next++)), pod, p);
        verdicts.add(v);
        judge(v, p.onError(), denials, warnings);
      }
    }
    return PolicyDecision.of(denials, warnings, verdicts);
  }

  /**
   * Threads the pairs of one decision are verified on: up to {@value #PARALLEL_PAIRS} at once
   * across all decisions, beyond that the deciding thread verifies the pair itself, so a busy
   * webhook neither queues a pair behind others (its deadline runs) nor grows threads without
   * bound. Idle threads end after a minute; daemons, they never keep the process alive.
   */
  private static final int PARALLEL_PAIRS = 32;

  private static final ExecutorService PAIRS =
      new ThreadPoolExecutor(
          0,
          PARALLEL_PAIRS,
          60,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          r -> {
            Thread t = new Thread(r, "modelgate-decide");
            t.setDaemon(true);
            return t;
          },
          new ThreadPoolExecutor.CallerRunsPolicy());

  /** A pair whose decision reads the model (verification at admission), not the pod alone. */
  private static boolean verifies(ModelReference model, CompiledPolicy p) {
    return p.ready() && model.placement().stage() == Placement.Stage.ADMISSION;
  }

  /** The verdict of a pair; what went wrong deciding it is thrown as it would have been. */
  private static ModelVerdict result(CompletableFuture<ModelVerdict> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      if (e.getCause() instanceof Error) {
        throw (Error) e.getCause();
      }
      throw e;
    }
  }

  /** The policies that apply in {@code namespace} (compiled or not), in the store's order. */
  public List<CompiledPolicy> policiesIn(String namespace) {
    return store.policies().stream().filter(p -> p.appliesIn(namespace)).toList();
  }

  /**
   * A verdict about the pod beyond its own models (it writes the claim another workload's model is
   * verified on), with the {@code onError} of the policy that gave it.
   */
  public record PodVerdict(ModelVerdict verdict, OnError onError) {
    public PodVerdict {
      Objects.requireNonNull(verdict, "verdict");
      Objects.requireNonNull(onError, "onError");
    }
  }

  /**
   * {@code d} with {@code more} verdicts, each taking its effect as the workload's own verdicts do
   * ({@link Judgement#effect}): a denial, a warning, or (Audit) a record in the verdicts only.
   */
  public static PolicyDecision withPodVerdicts(PolicyDecision d, List<PodVerdict> more) {
    if (more.isEmpty()) {
      return d;
    }
    List<Finding> denials = new ArrayList<>(d.denials());
    List<Finding> warnings = new ArrayList<>(d.warnings());
    List<ModelVerdict> verdicts = new ArrayList<>(d.verdicts());
    for (PodVerdict pv : more) {
      verdicts.add(pv.verdict());
      judge(pv.verdict(), pv.onError(), denials, warnings);
    }
    return PolicyDecision.of(denials, warnings, verdicts);
  }

  /** A (model, policy) verdict's effect, and its finding where that effect puts it. */
  private static void judge(
      ModelVerdict v, OnError onError, List<Finding> denials, List<Finding> warnings) {
    Judgement.Effect effect = Judgement.effect(v, onError);
    Finding f =
        effect == Judgement.Effect.PASS
            ? null
            : new Finding.OfModel(v, effect == Judgement.Effect.WAIVED);
    add(effect, f, denials, warnings);
  }

  /** Where a finding goes, by its effect: the one use of {@link Judgement#effect}'s answer. */
  private static void add(
      Judgement.Effect effect, Finding f, List<Finding> denials, List<Finding> warnings) {
    switch (effect) {
      case DENY:
        denials.add(f);
        return;
      case WARN:
      case WAIVED:
        warnings.add(f);
        return;
      case PASS:
      case RECORD:
      default:
    }
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
  private static ModelVerdict withPodChecks(ModelVerdict v, PodCheck pod, CompiledPolicy p) {
    if (!p.ready()) {
      return v;
    }
    List<Failure> more = pod.check(v, p);
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
        v.lineage(),
        v.imageDirectory());
  }

  private ModelVerdict evaluate(
      ModelReference model, CompiledPolicy p, Instant deadline, VolumeCheck volumes) {
    if (!p.ready()) {
      return Judgement.notCompiled(model, p);
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
    Optional<Failure> tag = Judgement.digestRequired(model, p.digest(), p.displayName());
    if (tag.isPresent()) {
      return ModelVerdict.of(model, p.displayName(), p.mode(), List.of(tag.get()));
    }
    VerificationResult r = verifier.verify(model, p.verification().orElseThrow(), left);
    return judgement.verdict(model, p, r, deadline);
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
    if (noMatch == NoMatchBehaviour.ALLOW) {
      return;
    }
    ModelVerdict v =
        ModelVerdict.unmatched(
            model, noMatch == NoMatchBehaviour.WARN ? Mode.WARN : Mode.ENFORCE, List.of(f));
    verdicts.add(v);
    add(Judgement.effect(v, OnError.DENY), Finding.of(v), denials, warnings);
  }
}
