package dev.modelgate.inpod;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.Failure;
import dev.modelgate.core.FieldPath;
import dev.modelgate.core.Reason;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.Judgement;
import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.policy.OnError;
import dev.modelgate.policy.PolicyEngine.PodVerdict;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelScheme;
import dev.modelgate.source.ModelUri;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * MODEL_CLAIM_WRITER: a workload that mounts writable a claim a policy's model lives on could
 * rewrite the weights after the verifier in the model's pod ran, so the policy judges it too. A
 * claim is a model claim of a policy when a {@code pvc://} glob of its {@code match.models} names
 * it ({@link dev.modelgate.policy.PolicyMatch#namesClaim}), or when a model the policy matches is
 * verified on it in the namespace ({@link VerifiedClaims}). The policy's workload selector plays no
 * part for the writer: it chose which workloads' models are verified, not who may change them.
 * Writers the policy names in {@code spec.claimWriters} (a download Job) pass; every other writer
 * fails the policy, in its mode (Enforce denies; Warn and Audit admit with a warning, an Event and
 * a report result, through {@link Judgement#effect} like any verdict).
 *
 * <p>A workload that declares a model on the claim itself, matched by the same policy, is judged by
 * that policy's volume rules instead (MODEL_MOUNT_WRITABLE with {@code requireReadOnlyMounts},
 * VERIFIER_BEFORE_WRITER, MOUNT_OUTSIDE_MODEL), never twice. A StatefulSet's claim templates are
 * not looked at: each replica gets a claim of its own, made for it, which cannot already hold
 * another workload's model.
 */
public final class ClaimWriters {
  private static final List<String> KINDS =
      List.of("initContainers", "containers", "ephemeralContainers");

  private ClaimWriters() {}

  /** One container's writable mount of a claim, and the field of the claim's volume. */
  record Writer(String container, String volume, String claim, String field) {}

  /**
   * The verdicts of the policies whose model claims this pod writes, failing ones only.
   *
   * @param podSpec the pod spec (claim templates already among its volumes)
   * @param specField where that spec is in the object ({@code spec}, {@code spec.template.spec})
   * @param namespaceLabels asked only when the pod writes a claim and a policy applies here
   * @param ownModels the workload's own models with the policies that match each: a claim one of
   *     them is on is judged by those policies' volume rules, not by this one
   * @param policies the policies that apply in {@code namespace}
   * @param runningSpec for an update of a running pod, its spec before: writers it already had are
   *     left to background verification, since denying the update (a label) would not unmount them
   *     (as for a verifier, {@link VolumeVerifier.Stage#RUNNING}); a new ephemeral container is
   *     judged. A missing node for anything else.
   */
  public static List<PodVerdict> check(
      JsonNode podSpec,
      String specField,
      String namespace,
      Supplier<Map<String, String>> namespaceLabels,
      Map<String, String> workloadLabels,
      Map<ModelReference, List<CompiledPolicy>> ownModels,
      List<CompiledPolicy> policies,
      VerifiedClaims verified,
      JsonNode runningSpec) {
    List<Writer> writers = writers(podSpec, specField);
    writers.removeAll(writers(runningSpec, specField));
    if (writers.isEmpty() || policies.isEmpty()) {
      return List.of();
    }
    // Per claim, the policies that judge this workload's own models on it: only those leave it to
    // their volume rules. A model declared on the claim but matched by another policy (or none)
    // does not make the workload a model pod of the policy whose claim it writes.
    Map<String, Set<String>> own = new LinkedHashMap<>();
    ownModels.forEach(
        (m, ps) ->
            m.placement()
                .volume()
                .flatMap(at -> VolumeRules.claimOf(podSpec, at))
                .ifPresent(
                    claim ->
                        ps.forEach(
                            p ->
                                own.computeIfAbsent(claim, c -> new LinkedHashSet<>())
                                    .add(p.displayName()))));
    Map<String, String> ns = namespaceLabels.get();
    List<CompiledPolicy> here =
        policies.stream().filter(p -> p.match().namespaceSelector().matches(ns)).toList();
    if (here.isEmpty()) {
      return List.of();
    }
    Set<String> claims = new LinkedHashSet<>();
    writers.forEach(w -> claims.add(w.claim()));
    Map<String, Holder> found = new LinkedHashMap<>();
    for (String claim : claims) {
      for (CompiledPolicy p : here) {
        if (p.match().namesClaim(claim)) {
          hold(
              found,
              claim,
              p,
              claimModel(claim),
              "a pvc:// glob of its match.models names the claim");
        }
      }
    }
    Optional<RuntimeException> unknown = Optional.empty();
    try {
      for (VerifiedClaims.ClaimModel cm : verified.of(namespace)) {
        if (!claims.contains(cm.claim())) {
          continue;
        }
        for (CompiledPolicy p : here) {
          if (p.match().matches(ns, cm.labels(), cm.modelUri())) {
            hold(
                found,
                cm.claim(),
                p,
                VerifierContainer.model(cm.modelName(), cm.modelUri()),
                "verified on it for " + cm.workload());
          }
        }
      }
    } catch (RuntimeException e) {
      unknown = Optional.of(e);
    }
    List<PodVerdict> out = new ArrayList<>();
    for (Holder h : found.values()) {
      if (!judgedAsOwn(own, h.claim(), h.policy())) {
        verdict(h, writers, ns, workloadLabels).ifPresent(out::add);
      }
    }
    if (unknown.isPresent()) {
      out.addAll(
          undecided(claims, here, found, own, writers, namespace, ns, workloadLabels, unknown));
    }
    return out;
  }

  /**
   * The container mounts of claims that can write, one per container and volume: the mount is not
   * {@code readOnly} and its volume is not a claim with {@code readOnly: true} ({@link
   * InitContainerOrder#writes}); claim templates' per-replica claims left out.
   */
  static List<Writer> writers(JsonNode podSpec, String specField) {
    Map<String, String> claimOf = new LinkedHashMap<>();
    Map<String, Integer> indexOf = new LinkedHashMap<>();
    JsonNode volumes = podSpec.path("volumes");
    for (int i = 0; i < volumes.size(); i++) {
      String claim = volumes.get(i).path("persistentVolumeClaim").path("claimName").asText("");
      String name = volumes.get(i).path("name").asText("");
      if (!claim.isEmpty()
          && !claim.endsWith("-" + ClaimTemplates.ORDINAL)
          && !claimOf.containsKey(name)) {
        claimOf.put(name, claim);
        indexOf.put(name, i);
      }
    }
    Set<String> readOnly = InitContainerOrder.readOnlyVolumes(podSpec);
    List<Writer> out = new ArrayList<>();
    for (String kind : KINDS) {
      for (JsonNode c : podSpec.path(kind)) {
        Set<String> seen = new LinkedHashSet<>();
        for (JsonNode m : c.path("volumeMounts")) {
          String volume = m.path("name").asText("");
          if (claimOf.containsKey(volume)
              && InitContainerOrder.writes(m, readOnly)
              && seen.add(volume)) {
            out.add(
                new Writer(
                    c.path("name").asText(),
                    volume,
                    claimOf.get(volume),
                    specField + ".volumes[" + indexOf.get(volume) + "].persistentVolumeClaim"));
          }
        }
      }
    }
    return out;
  }

  private static boolean judgedAsOwn(Map<String, Set<String>> own, String claim, CompiledPolicy p) {
    return own.getOrDefault(claim, Set.of()).contains(p.displayName());
  }

  /** A claim's model under one policy, with why the claim is the policy's. */
  private record Holder(String claim, CompiledPolicy policy, ModelReference model, String why) {}

  private static void hold(
      Map<String, Holder> found, String claim, CompiledPolicy p, ModelReference m, String why) {
    found.putIfAbsent(
        claim + "\u0000" + p.displayName() + "\u0000" + m.name() + "\u0000" + m.uri(),
        new Holder(claim, p, m, why));
  }

  /** The claim as a model of a policy that names it by a glob: {@code pvc://<claim>}. */
  private static ModelReference claimModel(String claim) {
    return new ModelReference(claim, new ModelUri(ModelScheme.PVC, claim, ""), "", "");
  }

  private static Optional<PodVerdict> verdict(
      Holder h, List<Writer> writers, Map<String, String> ns, Map<String, String> labels) {
    List<Writer> mine = writers.stream().filter(w -> w.claim().equals(h.claim())).toList();
    ModelReference model = at(h.model(), mine.get(0));
    CompiledPolicy p = h.policy();
    if (!p.ready()) {
      // A broken policy names claims it was meant to protect: it denies their writers too.
      return Optional.of(new PodVerdict(Judgement.notCompiled(model, p), OnError.DENY));
    }
    if (p.serving().writerAllowed(ns, labels, h.claim())) {
      return Optional.empty();
    }
    List<Failure> failures = new ArrayList<>();
    for (Writer w : mine) {
      failures.add(
          Failure.atField(
              Reason.MODEL_CLAIM_WRITER,
              FieldPath.of(w.field()),
              "container '"
                  + w.container()
                  + "' mounts claim "
                  + w.claim()
                  + " (volume '"
                  + w.volume()
                  + "') writable; the claim holds this model of "
                  + p.displayName()
                  + " ("
                  + h.why()
                  + "), which it could change after it was verified: mount it readOnly, or name this workload in spec.claimWriters of "
                  + p.displayName()));
    }
    return Optional.of(
        new PodVerdict(ModelVerdict.of(model, p.displayName(), p.mode(), failures), p.onError()));
  }

  /**
   * When the verified claims cannot be read, every writable claim is a possible model claim of
   * every ready policy here that does not already judge it and does not name the writer:
   * UNAVAILABLE, so each policy's mode and {@code onError} decide, as for a registry that did not
   * answer.
   */
  private static List<PodVerdict> undecided(
      Set<String> claims,
      List<CompiledPolicy> here,
      Map<String, Holder> found,
      Map<String, Set<String>> own,
      List<Writer> writers,
      String namespace,
      Map<String, String> ns,
      Map<String, String> labels,
      Optional<RuntimeException> cause) {
    List<PodVerdict> out = new ArrayList<>();
    for (String claim : claims) {
      Writer first = writers.stream().filter(w -> w.claim().equals(claim)).findFirst().get();
      for (CompiledPolicy p : here) {
        boolean judged =
            found.values().stream().anyMatch(h -> h.claim().equals(claim) && h.policy().equals(p));
        if (judged
            || !p.ready()
            || judgedAsOwn(own, claim, p)
            || p.serving().writerAllowed(ns, labels, claim)) {
          continue;
        }
        Failure f =
            Failure.atField(
                Reason.UNAVAILABLE,
                FieldPath.of(first.field()),
                "container '"
                    + first.container()
                    + "' mounts claim "
                    + claim
                    + " writable, and whether a model of "
                    + p.displayName()
                    + " is verified on it cannot be told: the pods of namespace "
                    + namespace
                    + " could not be read ("
                    + cause.map(RuntimeException::getMessage).orElse("")
                    + ")");
        out.add(
            new PodVerdict(
                ModelVerdict.of(
                    at(claimModel(claim), first), p.displayName(), p.mode(), List.of(f)),
                p.onError()));
      }
    }
    return out;
  }

  /** The model as named at the writer's volume: the field its failures are about. */
  private static ModelReference at(ModelReference m, Writer w) {
    return new ModelReference(
        m.name(), m.uri(), "", w.field(), m.access(), m.placement(), List.of());
  }
}
