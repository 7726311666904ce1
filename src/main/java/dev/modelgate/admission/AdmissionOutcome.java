package dev.modelgate.admission;

import dev.modelgate.core.Failure;
import dev.modelgate.policy.DecisionText;
import dev.modelgate.policy.Finding;
import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.policy.PolicyDecision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to one admission request: the typed {@link PolicyDecision} (allow, allow with
 * warnings, deny, with the verdicts behind it), {@code skipped} when a cheap exit answered without
 * inspecting anything, the volume-verifier part of the /mutate patch, and how many models the
 * workload names ({@code modelsFound}; 0 also when skipped or unreadable). Its text ({@link
 * #denial}, {@link #warnings}) is rendered by {@link DecisionText} when asked, never stored.
 *
 * @param patchable false for an object /mutate must not change: a running pod, whose volumes and
 *     init containers the API server keeps as they are (a patch would fail the whole update)
 */
public record AdmissionOutcome(
    String uid,
    PolicyDecision decision,
    Optional<String> skipped,
    List<Map<String, Object>> volumePatch,
    int modelsFound,
    boolean patchable) {
  public AdmissionOutcome {
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(skipped, "skipped");
    volumePatch = List.copyOf(volumePatch);
    if (modelsFound < 0) {
      throw new IllegalArgumentException("modelsFound must not be negative");
    }
    if (skipped.isPresent() && !decision.allowed()) {
      throw new IllegalArgumentException("only an allowed request is skipped");
    }
    if (!patchable && !volumePatch.isEmpty()) {
      throw new IllegalArgumentException("an object that must not change gets no patch");
    }
  }

  public AdmissionOutcome(
      String uid,
      PolicyDecision decision,
      Optional<String> skipped,
      List<Map<String, Object>> volumePatch,
      int modelsFound) {
    this(uid, decision, skipped, volumePatch, modelsFound, true);
  }

  /** "0 models found", "1 model found", "3 models found": for logs and {@code check}. */
  public String modelsFoundText() {
    return modelsFound + (modelsFound == 1 ? " model" : " models") + " found";
  }

  /** Allowed by a cheap exit (DELETE, a subresource, a scale-down): nothing was inspected. */
  static AdmissionOutcome skip(String uid, String why) {
    return new AdmissionOutcome(uid, PolicyDecision.noModels(), Optional.of(why), List.of(), 0);
  }

  static AdmissionOutcome of(
      String uid, PolicyDecision d, List<Map<String, Object>> volumePatch, int modelsFound) {
    return new AdmissionOutcome(uid, d, Optional.empty(), volumePatch, modelsFound);
  }

  /** The answer when the review itself failed ({@code failure} is an INTERNAL_ERROR): deny. */
  public static AdmissionOutcome failed(String uid, Failure failure) {
    return of(uid, PolicyDecision.denied(List.of(failure)), List.of(), 0);
  }

  /** The same answer with {@code more} warnings. */
  AdmissionOutcome withWarnings(List<Finding> more) {
    return new AdmissionOutcome(
        uid, decision.withWarnings(more), skipped, volumePatch, modelsFound, patchable);
  }

  /** The same answer for an object /mutate must not change: no patch at all, not even a pin. */
  AdmissionOutcome unpatchable() {
    return new AdmissionOutcome(uid, decision, skipped, List.of(), modelsFound, false);
  }

  public boolean allowed() {
    return decision.allowed();
  }

  public List<ModelVerdict> verdicts() {
    return decision.verdicts();
  }

  /** The denial message ({@link DecisionText#denial}), present only when denied. */
  public Optional<String> denial() {
    return DecisionText.denial(decision);
  }

  /** The warnings for the user, one line each. */
  public List<String> warnings() {
    return DecisionText.warnings(decision);
  }

  /** The denial message, or what was admitted: one line for logs and test descriptions. */
  public String message() {
    return denial()
        .orElseGet(
            () ->
                "ModelGate admitted this workload"
                    + skipped.map(s -> " (" + s + ")").orElse("")
                    + (decision.warnings().isEmpty()
                        ? ""
                        : " with " + decision.warnings().size() + " warning(s)"));
  }

  /**
   * The JSON patch /mutate returns: digest pins for OCI models verified by tag, and verifier init
   * containers for volume models.
   */
  public List<Map<String, Object>> patch() {
    if (!allowed() || !patchable) {
      return List.of();
    }
    List<Map<String, Object>> all = new ArrayList<>(DigestPins.patch(verdicts()));
    all.addAll(volumePatch);
    return all;
  }

  /** The decision as a metric label: allow, deny or warn. */
  public String decisionLabel() {
    switch (decision.kind()) {
      case ALLOW:
        return "allow";
      case ALLOW_WITH_WARNINGS:
        return "warn";
      case DENY:
      default:
        return "deny";
    }
  }
}
