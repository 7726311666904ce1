package dev.modelgate.cli;

import dev.modelgate.admission.NamespaceLabels;
import dev.modelgate.assembly.Core;
import dev.modelgate.cli.CheckInputs.Document;
import dev.modelgate.core.Printable;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.NoMatchBehaviour;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code modelgate check}: the webhook's decision, offline, for workload YAML (Pod, Deployment,
 * ...) or AdmissionReview JSON, against a directory of policies. Inputs are read as {@code kubectl
 * apply} reads them: several documents per file, {@code kind: List} unwrapped, {@code -} for stdin.
 * Namespaces have the labels the API server would give them: their name label, plus those of
 * Namespace documents among the inputs. Documents the webhook is never sent are listed as not
 * reviewed, not as denied.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Decide offline, as the webhook would, whether workloads would be admitted.",
      "",
      "FILE is workload YAML or JSON: several documents, kind: List, or an",
      "AdmissionReview. - reads stdin:  kustomize build . | modelgate check -",
      "",
      "Namespaces: every namespace has kubernetes.io/metadata.name=<its name>, as",
      "the API server sets it; Namespace documents among the inputs add their",
      "labels, for the namespaceSelector of policies.",
      "",
      "Pods, Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs",
      "and the serving resources that make them or load models into them (KServe",
      "InferenceService, LLMInferenceService, TrainedModel; Seldon Model) are",
      "decided. Other documents (Services, ConfigMaps, other custom resources)",
      "are listed as 'not reviewed by the webhook' and do not change the exit",
      "code: their pods are reviewed when they are made.",
      "",
      "Exit codes: 0 every reviewed workload admitted (or nothing to review),",
      "1 some workload denied, 2 bad usage or unreadable input, 3 could not decide",
      "(a registry did not answer in time, an internal error) and nothing denied.",
      ""
    })
final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Where {@code -} reads from; the process's stdin unless {@link Main} is given another. */
  InputStream stdin = System.in;

  @Option(
      names = "--policies",
      paramLabel = "DIR",
      defaultValue = "policies",
      description =
          "Policy directory (ClusterModelPolicy, ModelPolicy, ModelTrustRoot YAML). Default: policies/.")
  Path policies;

  @Parameters(
      arity = "1..*",
      paramLabel = "FILE",
      description = "Workloads or AdmissionReviews; - for stdin.")
  List<String> files;

  @Option(
      names = "--no-match",
      paramLabel = "allow|warn|deny",
      defaultValue = "deny",
      description = "What happens to a model no policy matches. Default: deny.")
  String noMatch;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "Decision budget per workload, as the API server's webhook timeout.")
  int timeoutSeconds;

  @Option(
      names = "--plain-http-registry",
      paramLabel = "HOST:PORT",
      description =
          "A registry to talk plain HTTP to (repeatable); loopback registries always use it.")
  List<String> plainHttpRegistries = new ArrayList<>();

  @Option(
      names = "--json",
      description = "Print the decisions as one JSON document on stdout (as --output json).")
  boolean json;

  @Option(
      names = "--output",
      paramLabel = "text|json|policyreport",
      description = {
        "What goes to stdout: text (nothing; the decisions go to stderr), json (one JSON",
        "document), policyreport (the wgpolicyk8s.io/v1alpha2 PolicyReports serve would",
        "write for these workloads, YAML for kubectl apply; docs/reports.md). Default: text."
      })
  String output;

  @Option(
      names = "--report-time",
      paramLabel = "INSTANT",
      description =
          "The timestamp of policyreport results (e.g. 2026-12-01T00:00:00Z), for output that"
              + " can be compared. Default: now.")
  String reportTime;

  /** The stdout format, from --output and --json; refuses contradictions. */
  private String outputFormat() {
    if (output != null && !List.of("text", "json", "policyreport").contains(output)) {
      throw new ParameterException(
          spec.commandLine(),
          "--output must be text, json or policyreport, got '" + Printable.escape(output) + "'");
    }
    if (json && output != null && !output.equals("json")) {
      throw new ParameterException(
          spec.commandLine(), "--json and --output " + output + " ask for two outputs; give one");
    }
    if (reportTime != null && !"policyreport".equals(output)) {
      throw new ParameterException(
          spec.commandLine(), "--report-time goes with --output policyreport");
    }
    return json ? "json" : output == null ? "text" : output;
  }

  /** When the policyreport results say they were made: --report-time, or now. */
  private Instant reportedAt() {
    if (reportTime == null) {
      return Instant.now();
    }
    try {
      return Instant.parse(reportTime);
    } catch (DateTimeParseException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--report-time '"
              + Printable.escape(reportTime)
              + "' is not an ISO-8601 instant such as 2026-12-01T00:00:00Z");
    }
  }

  @Override
  public Integer call() {
    String format = outputFormat();
    Instant reportedAt = reportedAt();
    // All inputs first: a Namespace document labels its namespace for every workload, wherever it
    // comes.
    List<Document> docs = CheckInputs.read(files, stdin);
    NamespaceLabels namespaces = CheckNamespaces.of(docs);
    try (Core core =
        Core.builder()
            .policyDirectory(policies)
            .noMatch(NoMatchBehaviour.parse(noMatch))
            .plainHttpRegistries(Set.copyOf(plainHttpRegistries))
            .namespaces(namespaces)
            .verifiedClaims(CheckReviews.verifiedClaims(docs))
            .budget(Duration.ofSeconds(timeoutSeconds))
            .build()) {
      List<CompiledPolicy> notCompiled =
          core.policies().policies().stream().filter(p -> !p.ready()).toList();
      CheckResult result =
          new CheckResult(
              notCompiled,
              CheckReviews.review(docs, namespaces, core.admission(), core::deadline),
              docs.size());
      var out = spec.commandLine().getOut();
      var err = spec.commandLine().getErr();
      CheckRendering.text(result, err);
      if (format.equals("policyreport")) {
        CheckRendering.policyReports(result, reportedAt, out, err);
      }
      if (format.equals("json")) {
        CheckRendering.json(result, out);
      }
      return result.exitCode();
    }
  }
}
