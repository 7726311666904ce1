package dev.modelgate.admission;

import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.policy.PolicyDecision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The answer to one admission request: allowed or not, the message for a denial, warnings, the
 * verdicts behind it, {@code skipped} when a cheap exit answered without inspecting anything, and
 * how many models the workload names ({@code modelsFound}; 0 also when skipped or unreadable).
 */
public record AdmissionOutcome(
    String uid,
    boolean allowed,
    String message,
    List<String> warnings,
    List<ModelVerdict> verdicts,
    String skipped,
    List<Map<String, Object>> volumePatch,
    int modelsFound) {
  public AdmissionOutcome {
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(message, "message");
    warnings = List.copyOf(warnings);
    verdicts = List.copyOf(verdicts);
    Objects.requireNonNull(skipped, "skipped");
    volumePatch = List.copyOf(volumePatch);
    if (modelsFound < 0) {
      throw new IllegalArgumentException("modelsFound must not be negative");
    }
  }

  public AdmissionOutcome(
      String uid,
      boolean allowed,
      String message,
      List<String> warnings,
      List<ModelVerdict> verdicts,
      String skipped) {
    this(uid, allowed, message, warnings, verdicts, skipped, List.of(), 0);
  }

  /** "0 models found", "1 model found", "3 models found": for logs and {@code check}. */
  public String modelsFoundText() {
    return modelsFound + (modelsFound == 1 ? " model" : " models") + " found";
  }

  static AdmissionOutcome skip(String uid, String why) {
    return new AdmissionOutcome(uid, true, "", List.of(), List.of(), why);
  }

  static AdmissionOutcome of(
      String uid, PolicyDecision d, List<Map<String, Object>> volumePatch, int modelsFound) {
    return new AdmissionOutcome(
        uid,
        d.allowed(),
        d.message(MAX_DENIALS),
        d.warnings(),
        d.verdicts(),
        "",
        volumePatch,
        modelsFound);
  }

  /** Denials listed in the message before "and K more". */
  static final int MAX_DENIALS = 10;

  /**
   * The JSON patch /mutate returns: digest pins for OCI models verified by tag, and verifier init
   * containers for volume models.
   */
  public List<Map<String, Object>> patch() {
    if (!allowed) {
      return List.of();
    }
    List<Map<String, Object>> all = new ArrayList<>(DigestPins.patch(verdicts));
    all.addAll(volumePatch);
    return all;
  }

  /** The decision as a metric label: allow, deny or warn. */
  public String decisionLabel() {
    return !allowed ? "deny" : warnings.isEmpty() ? "allow" : "warn";
  }
}
