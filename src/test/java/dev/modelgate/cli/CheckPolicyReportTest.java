package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.report.ObjectReference;
import dev.modelgate.report.PolicyReport;
import dev.modelgate.report.PolicyReportJson;
import dev.modelgate.report.PolicyReportResult;
import dev.modelgate.report.PolicyReportSummary;
import dev.modelgate.report.PolicyResult;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check --output policyreport} prints, for the testdata workloads and the shipped policies,
 * the PolicyReports serve would write: YAML documents that parse as the wgpolicyk8s.io model, one
 * per namespace, with a result per (workload, model, policy).
 */
class CheckPolicyReportTest {
  static final String AT = "2026-12-01T00:00:00Z";

  @TempDir Path tmp;

  private Path render(String workload, String namespace) throws Exception {
    String text =
        Files.readString(Path.of("testdata/workloads").resolve(workload))
            .replace("@MODELS@", Path.of("testdata/models").toAbsolutePath().toString())
            .replace("@MODEL@", "sample")
            .replace("namespace: inference", "namespace: " + namespace);
    return TestModels.write(tmp.resolve(namespace + "-" + workload), text);
  }

  private static List<PolicyReport> reports(String yaml) throws Exception {
    List<PolicyReport> out = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        new YAMLMapper().readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNextValue()) {
        out.add(PolicyReportJson.parse(it.nextValue()));
      }
    }
    return out;
  }

  @Test
  void testdataWorkloadsGiveOneReportPerNamespaceWithAResultPerModelAndPolicy() throws Exception {
    Cli.Result r =
        Cli.run(
            "check",
            "--policies",
            "policies",
            "--output",
            "policyreport",
            "--report-time",
            AT,
            render("deployment-signed.yaml", "inference"),
            render("deployment-tampered.yaml", "inference"),
            render("deployment-pvc.yaml", "training"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("DENY  Deployment inference/llm-server-tampered");
    List<PolicyReport> reports = reports(r.out());
    assertThat(reports)
        .extracting(PolicyReport::describe)
        .containsExactly("PolicyReport inference/modelgate", "PolicyReport training/modelgate");

    PolicyReport inference = reports.get(0);
    assertThat(inference.summary()).isEqualTo(new PolicyReportSummary(1, 1, 0, 0, 0));
    assertThat(inference.results())
        .extracting(
            x -> x.subject().map(ObjectReference::name).orElseThrow(),
            PolicyReportResult::rule,
            PolicyReportResult::policy,
            PolicyReportResult::result)
        .containsExactly(
            tuple(
                "llm-server",
                "sample",
                "ClusterModelPolicy/testdata-signed-models",
                PolicyResult.PASS),
            tuple(
                "llm-server-tampered",
                "sample",
                "ClusterModelPolicy/testdata-signed-models",
                PolicyResult.FAIL));
    PolicyReportResult pass = inference.results().get(0);
    assertThat(pass.timestamp()).isEqualTo(Instant.parse(AT));
    assertThat(pass.source()).isEqualTo("modelgate");
    assertThat(pass.resources())
        .containsExactly(
            ObjectReference.of("apps/v1", "Deployment", "inference", "llm-server", ""));
    assertThat(pass.properties())
        .containsEntry("evaluation", "check")
        .containsEntry("mode", "Enforce")
        .containsKey("signer");
    assertThat(inference.results().get(1).properties()).containsEntry("reasons", "DIGEST_MISMATCH");

    PolicyReport training = reports.get(1);
    assertThat(training.results())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.result()).isEqualTo(PolicyResult.PASS);
              assertThat(x.properties()).containsEntry("placement", "in_pod");
              assertThat(x.message()).contains("will be verified on the volume");
            });
  }

  @Test
  void sameInputsAndReportTimeGiveTheSameBytes() throws Exception {
    Path signed = render("deployment-signed.yaml", "inference");

    // One run in its own process: what the launcher prints is what a pipeline gets.
    String first =
        Cli.runIn(
                Path.of("").toAbsolutePath(),
                "check",
                "--output",
                "policyreport",
                "--report-time",
                AT,
                signed)
            .out();
    String second = Cli.run("check", "--output", "policyreport", "--report-time", AT, signed).out();

    assertThat(first).isNotEmpty().isEqualTo(second);
    assertThat(first)
        .startsWith("---\napiVersion: \"wgpolicyk8s.io/v1alpha2\"\nkind: \"PolicyReport\"");
  }

  @Test
  void workloadsWithoutModelsPrintNoReport() throws Exception {
    Path plain =
        TestModels.write(
            tmp.resolve("plain.yaml"),
            "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: default}\n"
                + "spec:\n  containers: [{name: web, image: nginx}]\n");

    Cli.Result r = Cli.run("check", "--output", "policyreport", plain);

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("no policy report results");
  }

  @Test
  void contradictoryOrMalformedOutputOptionsAreUsageErrors() throws Exception {
    Path signed = render("deployment-signed.yaml", "inference");

    Cli.Result both = Cli.run("check", "--json", "--output", "policyreport", signed);
    Cli.Result unknown = Cli.run("check", "--output", "yaml", signed);
    Cli.Result badTime =
        Cli.run("check", "--output", "policyreport", "--report-time", "yesterday", signed);
    Cli.Result timeWithoutReport = Cli.run("check", "--report-time", AT, signed);
    Cli.Result jsonStill = Cli.run("check", "--output", "json", signed);

    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("--json and --output policyreport ask for two outputs");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("--output must be text, json or policyreport, got 'yaml'");
    assertThat(badTime.exitCode()).isEqualTo(2);
    assertThat(badTime.err()).contains("--report-time 'yesterday' is not an ISO-8601 instant");
    assertThat(timeWithoutReport.exitCode()).isEqualTo(2);
    assertThat(jsonStill.exitCode()).isZero();
    assertThat(jsonStill.out()).contains("\"schemaVersion\" : \"modelgate.dev/check-result/v1\"");
  }
}
