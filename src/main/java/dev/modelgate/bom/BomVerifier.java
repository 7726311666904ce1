package dev.modelgate.bom;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.policy.CompileError;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.DigestPolicy;
import dev.modelgate.policy.Judgement;
import dev.modelgate.policy.LineageCheck;
import dev.modelgate.policy.LineageRule;
import dev.modelgate.policy.PolicyChecks;
import dev.modelgate.policy.PolicyRules;
import dev.modelgate.policy.PolicyStore;
import dev.modelgate.source.ModelReference;
import dev.modelgate.verify.Authority;
import dev.modelgate.verify.ModelVerificationService;
import dev.modelgate.verify.VerificationPolicy;
import dev.modelgate.verify.VerificationResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Verifies one model for a bill of materials, with the same steps admission takes: the signature
 * and content through {@link ModelVerificationService} (attestations included), then each policy's
 * file and attestation rules ({@link PolicyChecks}) and lineage ({@link LineageCheck}), whose base
 * models keep their own verification results. Either one policy made of the command's trust flags,
 * or every policy of a store that matches the model in a namespace. Every policy must pass,
 * whatever its mode: a BOM says "verified" only of what passed. Thread-safe.
 */
public final class BomVerifier {
  private final ModelVerificationService service;
  private final Judgement judgement;
  private final Clock clock;

  public BomVerifier(ModelVerificationService service, Clock clock) {
    this.service = service;
    this.judgement = new Judgement(service);
    this.clock = clock;
  }

  /**
   * The command line's trust flags as a policy: who may sign, and how deep to follow lineage (with
   * the same trust) when asked.
   */
  public record FlagPolicy(
      VerificationPolicy policy, String trustRoot, Optional<LineageRule> lineage) {}

  /** One policy to judge by, whatever it came from. */
  private record Judge(
      String name,
      String identity,
      String mode,
      String trustRoot,
      VerificationPolicy policy,
      PolicyRules rules,
      DigestPolicy digest) {}

  /** Verifies {@code model} with the trust flags of the command line. */
  public ModelEvidence verify(ModelReference model, FlagPolicy flags, Instant deadline) {
    PolicyRules rules = new PolicyRules(List.of(), List.of(), List.of(), flags.lineage());
    return judge(
        model,
        List.of(
            new Judge(
                PolicyEvidence.COMMAND_LINE,
                "",
                "",
                flags.trustRoot(),
                flags.policy(),
                rules,
                DigestPolicy.VERIFY_ONLY)),
        List.of(),
        deadline);
  }

  /**
   * Verifies {@code model} against every policy of {@code store} that would match it for a workload
   * without labels in {@code namespace} (whose namespace has only its name label, as the API server
   * sets it). No matching policy, or a matching policy that does not compile, fails.
   */
  public ModelEvidence verify(
      ModelReference model, PolicyStore store, String namespace, Instant deadline) {
    Map<String, String> nsLabels = Map.of("kubernetes.io/metadata.name", namespace);
    String uri = model.uri().toString();
    List<Judge> judges = new ArrayList<>();
    List<PolicyEvidence> broken = new ArrayList<>();
    for (CompiledPolicy p : store.policies()) {
      if (!p.appliesIn(namespace) || !p.match().matches(nsLabels, Map.of(), uri)) {
        continue;
      }
      if (!p.ready()) {
        Failure f =
            Failure.of(
                Reason.POLICY_INVALID,
                "policy %s does not compile: %s",
                p.displayName(),
                CompileError.summary(p.errors()));
        broken.add(
            new PolicyEvidence(
                p.displayName(), "", "Enforce", "", List.of(), List.of(), List.of(f)));
        continue;
      }
      VerificationPolicy v = p.verification().orElseThrow();
      judges.add(
          new Judge(
              p.displayName(),
              v.identity(),
              modeName(p.mode().name()),
              authorities(v),
              v,
              p.rules(),
              p.digest()));
    }
    if (judges.isEmpty() && broken.isEmpty()) {
      Failure f =
          Failure.of(
              Reason.NO_POLICY,
              "no policy matches %s for a workload in namespace '%s'",
              uri,
              namespace);
      broken.add(
          new PolicyEvidence("(no matching policy)", "", "", "", List.of(), List.of(), List.of(f)));
    }
    return judge(model, judges, broken, deadline);
  }

  private ModelEvidence judge(
      ModelReference model, List<Judge> judges, List<PolicyEvidence> broken, Instant deadline) {
    Instant at = clock.instant();
    List<PolicyEvidence> evidence = new ArrayList<>(broken);
    VerificationResult shown = null;
    List<LineageCheck.Ancestor> ancestors = new ArrayList<>();
    Judge chainBy = null;
    for (Judge j : judges) {
      Optional<Failure> tag = Judgement.digestRequired(model, j.digest(), j.name());
      VerificationResult r =
          tag.isPresent()
              ? VerificationResult.failed(model.uri().toString(), List.of(tag.get()))
              : service.verify(model, j.policy(), Duration.between(clock.instant(), deadline));
      Judgement.RuleOutcome outcome = judgement.rules(j.rules(), model, r, deadline);
      List<Failure> failures = outcome.failures();
      List<String> held = outcome.heldAttestations();
      // One policy's chain: each lists a digest once (LineageCheck refuses repeats), so the BOM's
      // bom-refs stay unique; other policies' lineage clauses still count as checks.
      if (ancestors.isEmpty()
          && outcome.lineage().isPresent()
          && !outcome.lineage().get().ancestors().isEmpty()) {
        ancestors.addAll(outcome.lineage().get().ancestors());
        chainBy = j;
      }
      if (shown == null || (!shown.verified() && r.verified())) {
        shown = r;
      }
      evidence.add(
          new PolicyEvidence(
              j.name(), j.identity(), j.mode(), j.trustRoot(), r.authorities(), held, failures));
    }
    if (shown == null) {
      List<Failure> all = new ArrayList<>();
      evidence.forEach(e -> all.addAll(e.failures()));
      shown = VerificationResult.failed(model.uri().toString(), all);
    }
    return new ModelEvidence(
        model.uri().toString(),
        0,
        shown,
        evidence,
        at,
        chainBy == null ? List.of() : nest(ancestors, chainBy, at));
  }

  /**
   * The ancestors as a tree: {@link LineageCheck} lists them depth first, so the ones at depth d +
   * 1 that follow one at depth d are its bases.
   */
  private static List<ModelEvidence> nest(List<LineageCheck.Ancestor> flat, Judge by, Instant at) {
    PolicyEvidence lineage =
        new PolicyEvidence(
            by.name() + " lineage",
            "",
            "",
            authorities(by.rules().lineage().orElseThrow().ancestors()),
            List.of(),
            List.of(),
            List.of());
    return build(new ArrayList<>(flat), 1, lineage, at);
  }

  private static List<ModelEvidence> build(
      List<LineageCheck.Ancestor> rest, int depth, PolicyEvidence by, Instant at) {
    List<ModelEvidence> out = new ArrayList<>();
    while (!rest.isEmpty() && rest.get(0).depth() == depth) {
      LineageCheck.Ancestor a = rest.remove(0);
      List<ModelEvidence> below = build(rest, depth + 1, by, at);
      PolicyEvidence signed =
          new PolicyEvidence(
              by.name(), "", "", by.trustRoot(), a.result().authorities(), List.of(), List.of());
      out.add(new ModelEvidence(a.uri(), depth, a.result(), List.of(signed), at, below));
    }
    return out;
  }

  /** A policy's trust, in words: its authorities, each with its method. */
  static String authorities(VerificationPolicy v) {
    return v.authorities().stream().map(BomVerifier::authority).collect(Collectors.joining(", "))
        + (v.threshold() > 1 ? " (threshold " + v.threshold() + ")" : "");
  }

  private static String authority(Authority a) {
    return (a.name().isEmpty() ? PolicyEvidence.COMMAND_LINE : a.name())
        + " ("
        + a.verifier().method().label()
        + ")";
  }

  /** As admission: a policy with {@code digest: Require} refuses an OCI model named by tag. */
  private static String modeName(String enumName) {
    return enumName.charAt(0) + enumName.substring(1).toLowerCase(Locale.ROOT);
  }
}
