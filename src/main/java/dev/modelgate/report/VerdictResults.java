package dev.modelgate.report;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.policy.DecisionText;
import dev.modelgate.policy.Mode;
import dev.modelgate.policy.ModelVerdict;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns the verdicts of one workload into report results, one per (model, policy) verdict. The
 * mapping (docs/reports.md): a passed verdict is {@code pass}; a failure that is only {@code
 * UNAVAILABLE}, {@code INTERNAL_ERROR} or {@code VERIFIER_OUTCOME_UNKNOWN} is {@code error}
 * (nothing was decided about the model); any other failure is {@code fail} under Enforce and Audit
 * (the {@code mode} property tells them apart) and {@code warn}, not scored, under Warn. The model,
 * its URI, the verified digest, the signer and the reason codes go to {@code properties}; the
 * message is the verdict's own line.
 */
public final class VerdictResults {
  /** The {@code source} of every ModelGate result. */
  public static final String SOURCE = "modelgate";

  /** The {@code category} of every ModelGate result. */
  public static final String CATEGORY = "Model signing";

  /** The {@code policy} of a result no policy matched (the field is required). */
  public static final String NO_POLICY = "(no matching policy)";

  /** Property names, stable once published. */
  public static final String MODE = "mode";

  public static final String MODEL = "model";
  public static final String MODEL_URI = "modelUri";
  public static final String MODEL_FIELD = "modelField";
  public static final String DIGEST = "digest";
  public static final String SIGNER = "signer";
  public static final String SIGNER_ISSUER = "signerIssuer";
  public static final String SIGNING_METHOD = "signingMethod";
  public static final String AUTHORITIES = "authorities";
  public static final String ATTESTATIONS = "attestations";
  public static final String REASONS = "reasons";
  public static final String PLACEMENT = "placement";

  /**
   * For a download restricted to some files: the patterns, as a JSON array; its verifier checks the
   * part they select.
   */
  public static final String PARTIAL_DOWNLOAD = "partialDownload";

  public static final String EVALUATION = "evaluation";

  /** Reasons spelled out in a result's message before "and K more". */
  static final int MESSAGE_REASONS = 3;

  /** Longest message kept: a report holds many results and etcd limits its size. */
  static final int MAX_MESSAGE = 1024;

  /** Longest property value kept (a model URI may be up to 2048 characters). */
  static final int MAX_PROPERTY = 2048;

  private VerdictResults() {}

  /** One result per verdict of the workload, in verdict order. */
  public static List<PolicyReportResult> of(WorkloadVerdicts w) {
    List<PolicyReportResult> out = new ArrayList<>();
    for (ModelVerdict v : w.verdicts()) {
      out.add(result(w, v));
    }
    return out;
  }

  /** The outcome a verdict is reported as (see the class comment). */
  public static PolicyResult outcome(ModelVerdict v) {
    if (v.passed()) {
      return PolicyResult.PASS;
    }
    // Nothing was decided about the model: it did not answer in time, ModelGate failed, or
    // (background
    // verification) the pod's verifier left no readable outcome.
    if (v.failures().stream()
        .allMatch(f -> f.reason().undecided() || f.reason() == Reason.VERIFIER_OUTCOME_UNKNOWN)) {
      return PolicyResult.ERROR;
    }
    switch (v.mode()) {
      case WARN:
        return PolicyResult.WARN;
      case AUDIT:
      case ENFORCE:
      default:
        return PolicyResult.FAIL;
    }
  }

  private static PolicyReportResult result(WorkloadVerdicts w, ModelVerdict v) {
    PolicyResult outcome = outcome(v);
    Map<String, String> p = new TreeMap<>();
    p.put(MODE, modeName(v.mode()));
    p.put(MODEL, v.model().name());
    p.put(MODEL_URI, v.model().uri().toString());
    p.put(MODEL_FIELD, v.model().field());
    digest(v).ifPresent(d -> p.put(DIGEST, d));
    v.signer()
        .ifPresent(
            s -> {
              p.put(SIGNER, s.identity());
              p.put(SIGNING_METHOD, s.method().name().toLowerCase(Locale.ROOT));
              if (!s.issuer().isEmpty()) {
                p.put(SIGNER_ISSUER, s.issuer());
              }
            });
    if (!v.authorities().isEmpty()) {
      p.put(AUTHORITIES, String.join(",", v.authorities()));
    }
    if (!v.attestations().isEmpty()) {
      p.put(ATTESTATIONS, String.join(",", v.attestations()));
    }
    Set<String> reasons = new LinkedHashSet<>();
    for (Failure f : v.failures()) {
      reasons.add(f.reason().code());
    }
    if (!reasons.isEmpty()) {
      p.put(REASONS, String.join(",", reasons));
    }
    p.put(PLACEMENT, v.model().placement().stage().name().toLowerCase(Locale.ROOT));
    v.model().placement().selection().ifPresent(s -> p.put(PARTIAL_DOWNLOAD, s.envValue()));
    p.put(EVALUATION, w.evaluation().wire());
    p.replaceAll((k, value) -> cap(value, MAX_PROPERTY));
    return new PolicyReportResult(
        SOURCE,
        v.policy().orElse(NO_POLICY),
        v.model().name(),
        CATEGORY,
        Optional.empty(),
        w.evaluatedAt(),
        outcome,
        outcome != PolicyResult.WARN,
        List.of(w.workload()),
        Optional.empty(),
        cap(DecisionText.verdict(v, MESSAGE_REASONS), MAX_MESSAGE),
        p);
  }

  /**
   * The digest that was verified: the one a tag was pinned to, else the one the reference names.
   */
  static Optional<String> digest(ModelVerdict v) {
    Optional<String> pinned = v.pinned().filter(p -> p.contains("@"));
    if (pinned.isPresent()) {
      return pinned.map(p -> p.substring(p.lastIndexOf('@') + 1));
    }
    String location = v.model().uri().location();
    if (v.passed() && location.contains("@")) {
      return Optional.of(location.substring(location.lastIndexOf('@') + 1));
    }
    return Optional.empty();
  }

  /** Enforce, Warn, Audit: as the policy spells it. */
  static String modeName(Mode m) {
    String n = m.name();
    return n.charAt(0) + n.substring(1).toLowerCase(Locale.ROOT);
  }

  private static String cap(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }
}
