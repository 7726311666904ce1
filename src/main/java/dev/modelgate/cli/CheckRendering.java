package dev.modelgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.admission.AdmissionReports;
import dev.modelgate.admission.AdmissionRequest;
import dev.modelgate.cli.CheckResult.Entry;
import dev.modelgate.cli.CheckResult.NamespaceNote;
import dev.modelgate.cli.CheckResult.Reviewed;
import dev.modelgate.cli.CheckResult.Skipped;
import dev.modelgate.policy.DecisionText;
import dev.modelgate.report.Evaluation;
import dev.modelgate.report.PolicyReportJson;
import dev.modelgate.report.PolicyReportResult;
import dev.modelgate.report.PolicyReports;
import dev.modelgate.report.VerdictResults;
import dev.modelgate.report.WorkloadVerdicts;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code check}'s one rendering of a {@link CheckResult}: the decisions for people on stderr
 * always, and on stdout the {@code --json} document or the PolicyReports {@code serve} would write.
 */
final class CheckRendering {
  private CheckRendering() {}

  /** The decisions for people, one block per document. */
  static void text(CheckResult result, PrintWriter err) {
    for (var p : result.notCompiled()) {
      err.printf("warning: %s does not compile and denies what it matches:%n", p.displayName());
      p.errors().forEach(e -> err.printf("  %s %s%n", e.kind(), e));
    }
    for (Entry e : result.entries()) {
      if (e instanceof NamespaceNote n) {
        err.printf(
            "NAMESPACE %s (%s): labels %s used for namespaceSelector%n",
            n.name(), n.source(), n.labels());
      } else if (e instanceof Skipped s) {
        err.printf(
            "SKIP  %s %s (%s): %s%n", s.request().kind(), what(s.request()), s.source(), s.why());
      } else {
        reviewed((Reviewed) e, err);
      }
    }
    if (result.reviewed().isEmpty()) {
      err.printf(
          "no workload to review among %d document(s): nothing here is sent to the webhook%n",
          result.documents());
    }
  }

  private static String what(AdmissionRequest r) {
    return (r.namespace().isEmpty() ? "" : r.namespace() + "/") + r.name();
  }

  private static void reviewed(Reviewed v, PrintWriter err) {
    var o = v.outcome();
    err.printf(
        "%s %s (%s)%n",
        o.allowed()
            ? (o.warnings().isEmpty() ? "ADMIT" : "ADMIT with warnings")
            : v.undecided() ? "DENY (could not decide)" : "DENY ",
        v.request().kind() + " " + what(v.request()),
        v.source());
    if (o.skipped().isEmpty()) {
      err.printf("  %s%n", o.modelsFoundText());
    }
    DecisionText.verdictLines(o.verdicts()).forEach(l -> err.printf("  %s%n", l));
    o.warnings().forEach(w -> err.printf("  warning: %s%n", w));
    for (Map<String, Object> op : o.patch()) {
      err.printf(
          "  mutate: %s %s %s%n", op.get("op"), op.get("path"), patchDetail(op.get("value")));
    }
    o.skipped().ifPresent(why -> err.printf("  (not inspected: %s)%n", why));
    if (o.verdicts().isEmpty()) {
      o.denial().ifPresent(d -> err.printf("  %s%n", d));
    }
  }

  /** An injected init container by its name and arguments; any other value cut at 200. */
  private static String patchDetail(Object v) {
    if (v instanceof JsonNode n && n.has("args")) {
      return "init container " + n.path("name").asText() + ": " + n.path("args");
    }
    String s = String.valueOf(v);
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  /** The {@code --json} document. */
  static void json(CheckResult result, PrintWriter out) {
    out.println(ResultJson.write(CheckJson.of(result)));
  }

  /** The PolicyReports of every reviewed workload that names a model, stamped {@code at}. */
  static void policyReports(CheckResult result, Instant at, PrintWriter out, PrintWriter err) {
    List<PolicyReportResult> all =
        result.reviewed().stream()
            .filter(v -> !v.outcome().verdicts().isEmpty())
            .map(
                v ->
                    new WorkloadVerdicts(
                        AdmissionReports.workload(v.request()),
                        v.outcome().verdicts(),
                        at,
                        Evaluation.CHECK))
            .flatMap(w -> VerdictResults.of(w).stream())
            .toList();
    if (all.isEmpty()) {
      err.println("no policy report results: no reviewed workload names a model");
      return;
    }
    out.print(PolicyReportJson.toYaml(PolicyReports.of(all)));
    out.flush();
  }
}
