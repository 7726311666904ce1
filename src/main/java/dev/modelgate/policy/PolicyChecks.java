package dev.modelgate.policy;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.verify.VerificationResult;
import dev.modelgate.verify.VerifiedAttestation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks that run on a verified model, over what verification established (so they read no
 * model bytes): file rules over the signed names, then each required attestation. Shared by the
 * webhook and the volume verifier.
 */
public final class PolicyChecks {
  private static final int NOTES = 3;

  private PolicyChecks() {}

  /** Failures, and the names of the attestation rules that held. */
  public record Result(List<Failure> failures, List<String> heldAttestations) {
    public Result {
      failures = List.copyOf(failures);
      heldAttestations = List.copyOf(heldAttestations);
    }
  }

  public static Result after(
      PolicyRules rules, String modelName, String modelUri, VerificationResult r) {
    List<Failure> failures = new ArrayList<>();
    for (String f : r.signedFiles()) {
      for (ModelGlob g : rules.denyFiles()) {
        if (g.matches(f)) {
          failures.add(
              Failure.about(
                  Reason.FILE_DENIED,
                  f,
                  "signed file '%s' matches denied pattern '%s'",
                  f,
                  g.glob()));
        }
      }
    }
    for (ModelGlob g : rules.requireFiles()) {
      if (r.signedFiles().stream().noneMatch(g::matches)) {
        failures.add(
            Failure.of(
                Reason.FILE_REQUIRED, "no signed file matches required pattern '%s'", g.glob()));
      }
    }
    List<String> held = new ArrayList<>();
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("name", modelName);
    model.put("uri", modelUri);
    model.put("rootDigest", r.rootDigest().map(Object::toString).orElse(""));
    model.put("files", r.signedFiles());
    for (PolicyRules.AttestationRule rule : rules.attestations()) {
      List<String> notes = new ArrayList<>();
      boolean any = false;
      boolean holds = false;
      for (VerifiedAttestation a : r.attestations()) {
        if (!a.predicateType().map(rule.predicateType()::equals).orElse(false)) {
          continue;
        }
        any = true;
        if (!a.verified()) {
          notes.add(describe(a));
          continue;
        }
        if (!rule.authorities().isEmpty()
            && a.authorities().stream().noneMatch(rule.authorities()::contains)) {
          notes.add(
              a.source()
                  + " is signed by "
                  + a.authorities()
                  + ", not by one of "
                  + rule.authorities());
          continue;
        }
        if (rule.condition().isEmpty()) {
          holds = true;
          break;
        }
        CelCondition.Outcome o =
            rule.condition().get().evaluate(a.statement().orElseThrow().json(), model);
        if (o.holds()) {
          holds = true;
          break;
        }
        notes.add(
            a.source()
                + (o.error().isEmpty()
                    ? ": condition '" + rule.condition().get().expression() + "' is false"
                    : ": " + o.error()));
      }
      if (holds) {
        held.add(rule.name());
      } else if (!any) {
        List<String> unreadable =
            r.attestations().stream()
                .filter(a -> a.predicateType().isEmpty())
                .map(PolicyChecks::describe)
                .toList();
        failures.add(
            Failure.of(
                Reason.ATTESTATION_MISSING,
                "attestation '%s': none of type %s found for this model%s",
                rule.name(),
                rule.predicateType(),
                unreadable.isEmpty()
                    ? ""
                    : " ("
                        + unreadable.size()
                        + " attestation(s) could not be read: "
                        + String.join(
                            " | ", unreadable.subList(0, Math.min(NOTES, unreadable.size())))
                        + ")"));
      } else {
        failures.add(
            Failure.of(
                Reason.ATTESTATION_FAILED,
                "attestation '%s' (%s) does not hold: %s",
                rule.name(),
                rule.predicateType(),
                String.join(" | ", notes.subList(0, Math.min(NOTES, notes.size())))
                    + (notes.size() > NOTES ? " | and " + (notes.size() - NOTES) + " more" : "")));
      }
    }
    return new Result(failures, held);
  }

  /** An attestation that does not count, with the failures of the step that refused it. */
  private static String describe(VerifiedAttestation a) {
    return a.source()
        + ": "
        + String.join("; ", a.problems().stream().map(Failure::toString).toList());
  }
}
