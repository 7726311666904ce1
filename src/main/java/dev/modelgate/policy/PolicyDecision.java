package dev.modelgate.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * The answer for a workload: allowed or not, the denial reasons, the warnings for the user, and
 * every (model, policy) verdict behind them, including Audit ones.
 */
public final class PolicyDecision {
  private final List<String> denials;
  private final List<String> warnings;
  private final List<ModelVerdict> verdicts;

  private PolicyDecision(List<String> denials, List<String> warnings, List<ModelVerdict> verdicts) {
    this.denials = List.copyOf(denials);
    this.warnings = List.copyOf(warnings);
    this.verdicts = List.copyOf(verdicts);
  }

  /** A workload that names no model: nothing to check. */
  public static PolicyDecision noModels() {
    return new PolicyDecision(List.of(), List.of(), List.of());
  }

  public static PolicyDecision denied(String reason) {
    return new PolicyDecision(List.of(reason), List.of(), List.of());
  }

  static PolicyDecision of(
      List<String> denials, List<String> warnings, List<ModelVerdict> verdicts) {
    return new PolicyDecision(denials, warnings, verdicts);
  }

  public boolean allowed() {
    return denials.isEmpty();
  }

  public List<String> denials() {
    return denials;
  }

  public List<String> warnings() {
    return warnings;
  }

  public List<ModelVerdict> verdicts() {
    return verdicts;
  }

  /** The denial message, capped at {@code max} lines with "and K more". */
  public String message(int max) {
    if (allowed()) {
      return "";
    }
    List<String> lines = new ArrayList<>(denials.subList(0, Math.min(max, denials.size())));
    if (denials.size() > max) {
      lines.add("and " + (denials.size() - max) + " more");
    }
    return "ModelGate denied this workload: " + String.join(" | ", lines);
  }
}
