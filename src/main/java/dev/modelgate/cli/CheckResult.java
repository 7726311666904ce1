package dev.modelgate.cli;

import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.admission.AdmissionRequest;
import dev.modelgate.core.Failure;
import dev.modelgate.policy.CompiledPolicy;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one {@code check} run found, in input order, before anything is printed: the policies that
 * did not compile, a note per Namespace document, and per other document either why the webhook
 * never sees it or the webhook's answer. Rendered once, as text, JSON or PolicyReports ({@link
 * CheckRendering}); the exit code is read from it too.
 */
record CheckResult(List<CompiledPolicy> notCompiled, List<Entry> entries, int documents) {
  CheckResult {
    notCompiled = List.copyOf(notCompiled);
    entries = List.copyOf(entries);
  }

  /** One document's line of the result. */
  sealed interface Entry permits NamespaceNote, Skipped, Reviewed {}

  /** A Namespace document: its labels are used for namespaceSelector. */
  record NamespaceNote(String source, String name, Map<String, String> labels) implements Entry {}

  /** A document the webhook is never sent; it changes no exit code. */
  record Skipped(String source, AdmissionRequest request, String why) implements Entry {}

  /** The webhook's answer for one workload or AdmissionReview. */
  record Reviewed(String source, AdmissionRequest request, AdmissionOutcome outcome)
      implements Entry {
    Reviewed {
      Objects.requireNonNull(outcome, "outcome");
    }

    /**
     * Denied only because something did not answer in time: "could not decide", not "denied". Read
     * from the denial's own findings: a failing Audit or Warn verdict beside them denies nothing.
     */
    boolean undecided() {
      List<Failure> failures =
          outcome.decision().denials().stream().flatMap(f -> f.failures().stream()).toList();
      return !failures.isEmpty() && failures.stream().allMatch(f -> f.reason().undecided());
    }

    boolean denied() {
      return !outcome.allowed() && !undecided();
    }
  }

  List<Reviewed> reviewed() {
    return entries.stream().filter(Reviewed.class::isInstance).map(Reviewed.class::cast).toList();
  }

  boolean denied() {
    return reviewed().stream().anyMatch(Reviewed::denied);
  }

  boolean undecided() {
    return reviewed().stream().anyMatch(r -> !r.outcome().allowed() && r.undecided());
  }

  /** 1 when a workload is denied, else 3 when one could not be decided, else 0. */
  int exitCode() {
    return denied() ? ExitCode.FAILED : undecided() ? ExitCode.UNDECIDED : ExitCode.OK;
  }
}
