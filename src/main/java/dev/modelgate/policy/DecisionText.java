package dev.modelgate.policy;

import dev.modelgate.core.Failure;
import dev.modelgate.source.ModelUri;
import dev.modelgate.source.Placement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place decisions become text for people: the denial message of an AdmissionResponse, its
 * warnings, Event messages and {@code check}'s lines all come from here, so they say the same
 * thing. A denial lists its first {@link #MAX_DENIALS} reasons, then "and K more"; a model's line
 * its first {@link #REASONS_PER_MODEL} failures, then "and K more".
 */
public final class DecisionText {
  /** Denials listed in the message before "and K more". */
  public static final int MAX_DENIALS = 10;

  /** Failures listed per model in a denial or warning before "and K more". */
  public static final int REASONS_PER_MODEL = 3;

  /** Failures listed per model in {@code check}'s and the log's verdict lines. */
  static final int REASONS_PER_VERDICT_LINE = 20;

  static final String DENIED = "ModelGate denied this workload: ";

  private DecisionText() {}

  /**
   * "ModelGate denied this workload: reason | reason | and K more", present only for a denial. A
   * decision that denies with no finding (which its factories do not make) still says it denied.
   */
  public static Optional<String> denial(PolicyDecision d) {
    if (d.allowed()) {
      return Optional.empty();
    }
    List<Finding> all = d.denials();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < Math.min(MAX_DENIALS, all.size()); i++) {
      lines.add(finding(all.get(i)));
    }
    if (all.size() > MAX_DENIALS) {
      lines.add("and " + (all.size() - MAX_DENIALS) + " more");
    }
    if (lines.isEmpty()) {
      lines.add("no reason was recorded");
    }
    return Optional.of(DENIED + String.join(" | ", lines));
  }

  /** One line per warning, in order. */
  public static List<String> warnings(PolicyDecision d) {
    return d.warnings().stream().map(DecisionText::finding).toList();
  }

  /** A finding as one line: a model's verdict, or a workload failure with its field. */
  public static String finding(Finding f) {
    if (f instanceof Finding.OfModel) {
      Finding.OfModel m = (Finding.OfModel) f;
      return verdict(m.verdict(), REASONS_PER_MODEL)
          + (m.admittedUnverified() ? " (admitted unverified: onError Allow)" : "");
    }
    if (f instanceof Finding.OfWorkload) {
      return failure(((Finding.OfWorkload) f).failure());
    }
    // A finding of a kind this renderer does not know still shows every failure behind it.
    return String.join("; ", f.failures().stream().map(DecisionText::failure).toList());
  }

  /** {@code CODE: message}, after the field it is about when that is known. */
  public static String failure(Failure f) {
    return f.field().map(p -> p + ": ").orElse("") + f;
  }

  /** Every (model, policy) pair with its outcome: "ok model ..." or "FAIL model ...". */
  public static List<String> verdictLines(List<ModelVerdict> verdicts) {
    return verdicts.stream()
        .map(v -> (v.passed() ? "ok   " : "FAIL ") + verdict(v, REASONS_PER_VERDICT_LINE))
        .toList();
  }

  /** One line for a person: which model, which policy, and the first {@code max} reasons. */
  public static String verdict(ModelVerdict v, int max) {
    StringBuilder b =
        new StringBuilder("model '")
            .append(v.model().name())
            .append("' (")
            .append(v.model().uri())
            .append(")");
    String policy = v.policy().orElse("no policy");
    if (v.passed() && v.model().inPod()) {
      ModelUri at = v.model().placement().volume().orElseThrow();
      return b.append(" will be verified on the volume")
          .append(at.equals(v.model().uri()) ? "" : " (" + at + ")")
          .append(" by ModelGate's init container before use (")
          .append(policy)
          .append(")")
          .toString();
    }
    if (v.passed() && v.model().placement().stage() == Placement.Stage.POD_REVIEW) {
      return b.append(" will be verified when its Pod is reviewed: ")
          .append(v.model().placement().detail())
          .append(" (")
          .append(policy)
          .append(")")
          .toString();
    }
    if (v.passed()) {
      b.append(" verified by ").append(policy);
      v.signer().ifPresent(s -> b.append(", signed by ").append(s.identity()));
      if (!v.attestations().isEmpty()) {
        b.append(", attestations held: ").append(String.join(", ", v.attestations()));
      }
      if (!v.lineage().isEmpty()) {
        b.append(", lineage: ").append(String.join("; ", v.lineage()));
      }
      return b.toString();
    }
    v.policy().ifPresent(p -> b.append(" failed ").append(p));
    b.append(": ");
    List<Failure> failures = v.failures();
    for (int i = 0; i < Math.min(max, failures.size()); i++) {
      b.append(i == 0 ? "" : "; ").append(failures.get(i));
    }
    if (failures.size() > max) {
      b.append("; and ").append(failures.size() - max).append(" more");
    }
    return b.toString();
  }
}
