package dev.modelgate.policy;

import dev.modelgate.core.Failure;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The answer for a workload, as a value: allow, allow with warnings, or deny, with the findings
 * behind it (what denies, what warns) and every (model, policy) verdict, including those of Audit
 * policies and those that passed. It holds no text; {@link DecisionText} renders it at the edges
 * (the AdmissionResponse, Events, {@code check}). Made only by its factories, which keep the kind
 * and the findings consistent: a denial has at least one reason, an allowance none.
 */
public final class PolicyDecision {
  /** What the answer is. */
  public enum Kind {
    ALLOW,
    ALLOW_WITH_WARNINGS,
    DENY
  }

  private final Kind kind;
  private final List<Finding> denials;
  private final List<Finding> warnings;
  private final List<ModelVerdict> verdicts;

  private PolicyDecision(
      Kind kind, List<Finding> denials, List<Finding> warnings, List<ModelVerdict> verdicts) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.denials = List.copyOf(denials);
    this.warnings = List.copyOf(warnings);
    this.verdicts = List.copyOf(verdicts);
  }

  /** Allowed: every verdict passed, or failed only where the policy records (Audit). */
  public static PolicyDecision allow(List<ModelVerdict> verdicts) {
    return new PolicyDecision(Kind.ALLOW, List.of(), List.of(), verdicts);
  }

  /** A workload that names no model and no policy asks it to: nothing to check. */
  public static PolicyDecision noModels() {
    return allow(List.of());
  }

  /** Allowed, and the user is told {@code warnings} (at least one). */
  public static PolicyDecision allowWithWarnings(
      List<Finding> warnings, List<ModelVerdict> verdicts) {
    if (warnings.isEmpty()) {
      throw new IllegalArgumentException("allowWithWarnings needs a warning; use allow");
    }
    return new PolicyDecision(Kind.ALLOW_WITH_WARNINGS, List.of(), warnings, verdicts);
  }

  /** Denied for {@code denials} (at least one); {@code warnings} are told as well. */
  public static PolicyDecision deny(
      List<Finding> denials, List<Finding> warnings, List<ModelVerdict> verdicts) {
    if (denials.isEmpty()) {
      throw new IllegalArgumentException("a denial needs a reason");
    }
    return new PolicyDecision(Kind.DENY, denials, warnings, verdicts);
  }

  /** Denied for failures of the workload itself (it cannot be read, an internal error). */
  public static PolicyDecision denied(List<Failure> failures) {
    return deny(failures.stream().map(Finding::of).toList(), List.of(), List.of());
  }

  /** The decision the findings call for: any denial denies, else any warning warns. */
  public static PolicyDecision of(
      List<Finding> denials, List<Finding> warnings, List<ModelVerdict> verdicts) {
    if (!denials.isEmpty()) {
      return deny(denials, warnings, verdicts);
    }
    return warnings.isEmpty() ? allow(verdicts) : allowWithWarnings(warnings, verdicts);
  }

  /** The same decision with {@code more} warnings; an allowance becomes one with warnings. */
  public PolicyDecision withWarnings(List<Finding> more) {
    List<Finding> all = new ArrayList<>(warnings);
    all.addAll(more);
    return kind == Kind.DENY ? deny(denials, all, verdicts) : of(List.of(), all, verdicts);
  }

  public Kind kind() {
    return kind;
  }

  /** True only for the two allowing kinds: anything else denies. */
  public boolean allowed() {
    return kind == Kind.ALLOW || kind == Kind.ALLOW_WITH_WARNINGS;
  }

  /** Why it denies: empty unless {@link Kind#DENY}. */
  public List<Finding> denials() {
    return denials;
  }

  public List<Finding> warnings() {
    return warnings;
  }

  public List<ModelVerdict> verdicts() {
    return verdicts;
  }

  @Override
  public String toString() {
    return kind + " " + denials.size() + " denials, " + warnings.size() + " warnings";
  }
}
