package dev.modelgate.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.modelgate.cli.CheckResult.Entry;
import dev.modelgate.cli.CheckResult.Reviewed;
import dev.modelgate.cli.CheckResult.Skipped;
import dev.modelgate.cli.ResultJson.FailureJson;
import dev.modelgate.cli.ResultJson.SignerJson;
import dev.modelgate.policy.ModelVerdict;
import java.util.List;
import java.util.Map;

/**
 * The {@code check --json} document ({@code modelgate.dev/check-result/v1}, docs/policies.md
 * "Decisions"): one object per document the webhook would see or never sees; a key that does not
 * apply is left out, never null.
 */
@JsonPropertyOrder({"schemaVersion", "admitted", "workloads"})
record CheckJson(String schemaVersion, boolean admitted, List<Workload> workloads) {
  static final String SCHEMA = "modelgate.dev/check-result/v1";

  /** A workload: reviewed ones carry the answer, skipped ones only why they were skipped. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({
    "file",
    "kind",
    "namespace",
    "name",
    "reviewed",
    "allowed",
    "modelsFound",
    "message",
    "warnings",
    "patch",
    "verdicts"
  })
  record Workload(
      String file,
      String kind,
      String namespace,
      String name,
      boolean reviewed,
      boolean allowed,
      Integer modelsFound,
      String message,
      List<String> warnings,
      List<Map<String, Object>> patch,
      List<Verdict> verdicts) {}

  /** One (model, policy) verdict. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({
    "model",
    "uri",
    "policy",
    "passed",
    "signer",
    "authorities",
    "attestations",
    "lineage",
    "failures"
  })
  record Verdict(
      String model,
      String uri,
      String policy,
      boolean passed,
      SignerJson signer,
      List<String> authorities,
      List<String> attestations,
      List<String> lineage,
      List<FailureJson> failures) {
    static Verdict of(ModelVerdict v) {
      return new Verdict(
          v.model().name(),
          v.model().uri().toString(),
          v.policy().orElse(null),
          v.passed(),
          v.signer().map(ResultJson::signer).orElse(null),
          v.authorities(),
          v.attestations(),
          v.lineage(),
          ResultJson.failures(v.failures()));
    }
  }

  static CheckJson of(CheckResult result) {
    List<Workload> workloads =
        result.entries().stream()
            .filter(e -> !(e instanceof CheckResult.NamespaceNote))
            .map(CheckJson::workload)
            .toList();
    return new CheckJson(SCHEMA, !result.denied() && !result.undecided(), workloads);
  }

  private static Workload workload(Entry e) {
    if (e instanceof Skipped s) {
      var r = s.request();
      return new Workload(
          s.source(),
          r.kind(),
          r.namespace(),
          r.name(),
          false,
          true,
          null,
          s.why(),
          null,
          null,
          null);
    }
    Reviewed v = (Reviewed) e;
    var r = v.request();
    var o = v.outcome();
    return new Workload(
        v.source(),
        r.kind(),
        r.namespace(),
        r.name(),
        true,
        o.allowed(),
        o.modelsFound(),
        o.denial().orElse(null),
        o.warnings(),
        o.patch(),
        o.verdicts().stream().map(Verdict::of).toList());
  }
}
