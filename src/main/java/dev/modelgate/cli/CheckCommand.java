package dev.modelgate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.admission.AdmissionReports;
import dev.modelgate.admission.AdmissionRequest;
import dev.modelgate.admission.AdmissionReviewParser;
import dev.modelgate.admission.AdmissionService;
import dev.modelgate.admission.NamespaceLabels;
import dev.modelgate.admission.WorkloadInspector;
import dev.modelgate.assembly.Core;
import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Printable;
import dev.modelgate.core.Reason;
import dev.modelgate.core.SyntaxError;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.DecisionText;
import dev.modelgate.policy.NoMatchBehaviour;
import dev.modelgate.report.Evaluation;
import dev.modelgate.report.PolicyReportJson;
import dev.modelgate.report.PolicyReportResult;
import dev.modelgate.report.PolicyReports;
import dev.modelgate.report.VerdictResults;
import dev.modelgate.report.WorkloadVerdicts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** Every reviewed workload's verdicts, for --output policyreport. */
  private final List<WorkloadVerdicts> reported = new ArrayList<>();

  private Instant reportedAt = Instant.now();

  /** A document of an input, where it came from. */
  private record Document(String source, JsonNode node) {}

  /** Kinds that never run a pod: "its pods are" reviewed would be wrong for them. */
  private static final Set<String> PODLESS_KINDS =
      Set.of(
          "ConfigMap",
          "Secret",
          "Service",
          "ServiceAccount",
          "Role",
          "RoleBinding",
          "ClusterRole",
          "ClusterRoleBinding",
          "PersistentVolumeClaim",
          "PersistentVolume",
          "Ingress",
          "NetworkPolicy",
          "StorageClass",
          "CustomResourceDefinition",
          "HorizontalPodAutoscaler",
          "PodDisruptionBudget",
          "LimitRange",
          "ResourceQuota",
          "Endpoints",
          "EndpointSlice",
          "ClusterModelPolicy",
          "ModelPolicy",
          "ModelTrustRoot",
          "ValidatingWebhookConfiguration",
          "MutatingWebhookConfiguration");

  /**
   * Most {@code kind: List} levels unwrapped: a List of Lists is fine, deeper is not a real export.
   */
  private static final int MAX_LIST_DEPTH = 4;

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
    if (reportTime != null) {
      if (!"policyreport".equals(output)) {
        throw new ParameterException(
            spec.commandLine(), "--report-time goes with --output policyreport");
      }
      try {
        reportedAt = Instant.parse(reportTime);
      } catch (DateTimeParseException e) {
        throw new ParameterException(
            spec.commandLine(),
            "--report-time '"
                + Printable.escape(reportTime)
                + "' is not an ISO-8601 instant such as 2026-12-01T00:00:00Z");
      }
    }
    return json ? "json" : output == null ? "text" : output;
  }

  @Override
  public Integer call() {
    String format = outputFormat();
    // All inputs first: a Namespace document labels its namespace for every workload, wherever it
    // comes.
    List<Document> docs = new ArrayList<>();
    for (String f : files) {
      for (JsonNode n : read(f)) {
        unwrap(f, n, 0, docs);
      }
    }
    Map<String, Map<String, String>> namespaces = new LinkedHashMap<>();
    for (Document d : docs) {
      if ("Namespace".equals(d.node().path("kind").asText())
          && !d.node().path("metadata").path("name").asText("").isEmpty()) {
        Map<String, String> labels = new LinkedHashMap<>();
        d.node()
            .path("metadata")
            .path("labels")
            .fields()
            .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        namespaces.put(d.node().path("metadata").path("name").asText(), labels);
      }
    }
    Core core =
        Core.builder()
            .policyDirectory(policies)
            .noMatch(NoMatchBehaviour.parse(noMatch))
            .plainHttpRegistries(Set.copyOf(plainHttpRegistries))
            .namespaces(NamespaceLabels.offline(namespaces))
            .budget(Duration.ofSeconds(timeoutSeconds))
            .build();
    var err = spec.commandLine().getErr();
    for (CompiledPolicy p : core.policies().policies()) {
      if (!p.ready()) {
        err.printf("warning: %s does not compile and denies what it matches:%n", p.displayName());
        p.errors().forEach(e -> err.printf("  %s %s%n", e.kind(), e));
      }
    }
    AdmissionService service = core.admission();
    List<Map<String, Object>> results = new ArrayList<>();
    boolean denied = false;
    boolean undecided = false;
    int reviewed = 0;
    for (Document d : docs) {
      String kind = d.node().path("kind").asText("");
      if (kind.equals("Namespace")) {
        err.printf(
            "NAMESPACE %s (%s): labels %s used for namespaceSelector%n",
            d.node().path("metadata").path("name").asText(),
            d.source(),
            NamespaceLabels.offline(namespaces)
                .of(d.node().path("metadata").path("name").asText()));
        continue;
      }
      AdmissionRequest r = request(d, results.size());
      if (!kind.equals("AdmissionReview") && !WorkloadInspector.reviews(kind, d.node())) {
        notReviewed(d, r, results);
        continue;
      }
      // As the API server would: /mutate's patch applies first, so volume models count as injected.
      AdmissionOutcome o = service.review(r, core.deadline(), true);
      reviewed++;
      if (!o.allowed()) {
        if (onlyUndecided(o)) {
          undecided = true;
        } else {
          denied = true;
        }
      }
      report(d.source(), r, o, results);
    }
    if (reviewed == 0) {
      err.printf(
          "no workload to review among %d document(s): nothing here is sent to the webhook%n",
          docs.size());
    }
    if (format.equals("policyreport")) {
      List<PolicyReportResult> all = new ArrayList<>();
      reported.forEach(w -> all.addAll(VerdictResults.of(w)));
      if (all.isEmpty()) {
        err.println("no policy report results: no reviewed workload names a model");
      } else {
        var out = spec.commandLine().getOut();
        out.print(PolicyReportJson.toYaml(PolicyReports.of(all)));
        out.flush();
      }
    }
    if (format.equals("json")) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("schemaVersion", "modelgate.dev/check-result/v1");
      doc.put("admitted", !denied && !undecided);
      doc.put("workloads", results);
      spec.commandLine().getOut().println(ResultJson.write(doc));
    }
    return denied ? ExitCode.FAILED : undecided ? ExitCode.UNDECIDED : ExitCode.OK;
  }

  /**
   * Denied only because something did not answer in time: "could not decide", not "denied". Read
   * from the denial's own findings: a failing Audit or Warn verdict beside them denies nothing.
   */
  private static boolean onlyUndecided(AdmissionOutcome o) {
    List<Failure> failures =
        o.decision().denials().stream().flatMap(f -> f.failures().stream()).toList();
    return !failures.isEmpty() && failures.stream().allMatch(f -> f.reason().undecided());
  }

  private void notReviewed(Document d, AdmissionRequest r, List<Map<String, Object>> results) {
    String why =
        "not reviewed by the webhook "
            + (PODLESS_KINDS.contains(r.kind()) ? "(it runs no pods)" : "(its pods are)");
    spec.commandLine()
        .getErr()
        .printf(
            "SKIP  %s %s (%s): %s%n",
            r.kind(),
            (r.namespace().isEmpty() ? "" : r.namespace() + "/") + r.name(),
            d.source(),
            why);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", d.source());
    m.put("kind", r.kind());
    m.put("namespace", r.namespace());
    m.put("name", r.name());
    m.put("reviewed", false);
    m.put("allowed", true);
    m.put("message", why);
    results.add(m);
  }

  private void report(
      String f, AdmissionRequest r, AdmissionOutcome o, List<Map<String, Object>> results) {
    var err = spec.commandLine().getErr();
    String what = r.kind() + " " + (r.namespace().isEmpty() ? "" : r.namespace() + "/") + r.name();
    err.printf(
        "%s %s (%s)%n",
        o.allowed()
            ? (o.warnings().isEmpty() ? "ADMIT" : "ADMIT with warnings")
            : onlyUndecided(o) ? "DENY (could not decide)" : "DENY ",
        what,
        f);
    if (o.skipped().isEmpty()) {
      err.printf("  %s%n", o.modelsFoundText());
    }
    DecisionText.verdictLines(o.verdicts()).forEach(l -> err.printf("  %s%n", l));
    o.warnings().forEach(w -> err.printf("  warning: %s%n", w));
    for (Map<String, Object> op : o.patch()) {
      Object v = op.get("value");
      String detail =
          v instanceof JsonNode && ((JsonNode) v).has("args")
              ? "init container "
                  + ((JsonNode) v).path("name").asText()
                  + ": "
                  + ((JsonNode) v).path("args")
              : String.valueOf(v).length() > 200
                  ? String.valueOf(v).substring(0, 200) + "..."
                  : String.valueOf(v);
      err.printf("  mutate: %s %s %s%n", op.get("op"), op.get("path"), detail);
    }
    o.skipped().ifPresent(why -> err.printf("  (not inspected: %s)%n", why));
    if (o.verdicts().isEmpty()) {
      o.denial().ifPresent(d -> err.printf("  %s%n", d));
    }
    if (!o.verdicts().isEmpty()) {
      reported.add(
          new WorkloadVerdicts(
              AdmissionReports.workload(r), o.verdicts(), reportedAt, Evaluation.CHECK));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", f);
    m.put("kind", r.kind());
    m.put("namespace", r.namespace());
    m.put("name", r.name());
    m.put("reviewed", true);
    m.put("allowed", o.allowed());
    m.put("modelsFound", o.modelsFound());
    o.denial().ifPresent(d -> m.put("message", d));
    m.put("warnings", o.warnings());
    m.put("patch", o.patch());
    List<Map<String, Object>> verdicts = new ArrayList<>();
    o.verdicts()
        .forEach(
            v -> {
              Map<String, Object> vm = new LinkedHashMap<>();
              vm.put("model", v.model().name());
              vm.put("uri", v.model().uri().toString());
              v.policy().ifPresent(p -> vm.put("policy", p));
              vm.put("passed", v.passed());
              v.signer().ifPresent(s -> vm.put("signer", ResultJson.signer(s)));
              vm.put("authorities", v.authorities());
              vm.put("attestations", v.attestations());
              vm.put("lineage", v.lineage());
              vm.put("failures", ResultJson.failures(v.failures()));
              verdicts.add(vm);
            });
    m.put("verdicts", verdicts);
    results.add(m);
  }

  /** The documents of one input: a file, or stdin for "-". */
  private List<JsonNode> read(String f) {
    byte[] bytes;
    try {
      if (f.equals("-")) {
        bytes = stdin.readNBytes((int) AdmissionReviewParser.MAX_BYTES + 1);
        if (bytes.length > AdmissionReviewParser.MAX_BYTES) {
          throw new InvalidInputException(
              Reason.LIMIT_EXCEEDED,
              "stdin holds more than " + AdmissionReviewParser.MAX_BYTES + " bytes");
        }
      } else {
        Path p = Path.of(f);
        if (Files.isDirectory(p)) {
          throw new InvalidInputException(
              Reason.NOT_FOUND, "workload file " + f + " is a directory; give the files in it");
        }
        // Read at most the limit (whatever the size said a moment ago), before any parsing.
        try (InputStream in = Files.newInputStream(p)) {
          bytes = in.readNBytes((int) AdmissionReviewParser.MAX_BYTES + 1);
        }
        if (bytes.length > AdmissionReviewParser.MAX_BYTES) {
          throw new InvalidInputException(
              Reason.LIMIT_EXCEEDED,
              f
                  + " is larger than "
                  + AdmissionReviewParser.MAX_BYTES
                  + " bytes, the limit the webhook applies too");
        }
      }
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(Reason.NOT_FOUND, "workload file " + f + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new InvalidInputException(
          Reason.NOT_FOUND, "workload file " + f + ": permission denied", e);
    } catch (IOException e) {
      throw new InvalidInputException(
          Reason.NOT_FOUND, "workload file " + f + " cannot be read: " + e.getMessage(), e);
    }
    String source = f.equals("-") ? "stdin" : f;
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        new YAMLMapper()
            .readerFor(JsonNode.class)
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .readValues(new String(bytes, StandardCharsets.UTF_8))) {
      while (it.hasNextValue()) {
        JsonNode n = it.nextValue();
        if (n != null && n.isObject()) {
          docs.add(n);
        }
      }
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(
          Reason.REQUEST_MALFORMED, source + " is not YAML or JSON " + SyntaxError.describe(e), e);
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException(
          Reason.REQUEST_MALFORMED,
          source + " is not YAML or JSON: " + Printable.escape(firstLine(e.getMessage())),
          e);
    }
    if (docs.isEmpty()) {
      throw new InvalidInputException(Reason.REQUEST_MALFORMED, source + " holds no workload");
    }
    return docs;
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }

  /**
   * {@code kind: List} (and {@code *List} kinds, as the API returns them) as its items, each on its
   * own.
   */
  private static void unwrap(String f, JsonNode n, int depth, List<Document> out) {
    String source = f.equals("-") ? "stdin" : f;
    String kind = n.path("kind").asText("");
    if (kind.endsWith("List") && n.path("items").isArray()) {
      if (depth >= MAX_LIST_DEPTH) {
        throw new InvalidInputException(
            Reason.REQUEST_MALFORMED,
            source + " nests kind: List more than " + MAX_LIST_DEPTH + " deep");
      }
      String itemKind =
          kind.equals("List") ? "" : kind.substring(0, kind.length() - "List".length());
      int i = 0;
      for (JsonNode item : n.path("items")) {
        if (!item.isObject()) {
          throw new InvalidInputException(
              Reason.REQUEST_MALFORMED,
              source + ": item " + i + " of the " + kind + " is not an object");
        }
        // The API's typed lists (PodList, DeploymentList) leave kind out of their items.
        if (item.path("kind").asText("").isEmpty() && !itemKind.isEmpty()) {
          ((ObjectNode) item).put("kind", itemKind);
        }
        unwrap(f, item, depth + 1, out);
        i++;
      }
      return;
    }
    if (kind.isEmpty()) {
      throw new InvalidInputException(
          Reason.REQUEST_MALFORMED, source + " has a document without kind");
    }
    out.add(new Document(source, n));
  }

  /**
   * An AdmissionReview as is; a workload as a CREATE request in its namespace (default "default").
   */
  private static AdmissionRequest request(Document d, int index) {
    JsonNode n = d.node();
    if ("AdmissionReview".equals(n.path("kind").asText())) {
      return new AdmissionReviewParser().parse(n.toString().getBytes(StandardCharsets.UTF_8));
    }
    JsonNode meta = n.path("metadata");
    return new AdmissionRequest(
        "admission.k8s.io/v1",
        "check-" + index,
        n.path("kind").asText(),
        meta.path("namespace").asText("default"),
        meta.path("name").asText(meta.path("generateName").asText("")),
        "CREATE",
        "",
        true,
        n,
        MissingNode.getInstance());
  }
}
