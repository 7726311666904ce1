package dev.modelgate.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.policy.LabelSelector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The wire form of {@code wgpolicyk8s.io/v1alpha2} reports as Jackson records, in the field order
 * and with the omissions of the Go types, and the conversions between them and the validated report
 * model. A record read from the API holds what Jackson bound (null for absent); the model's rules
 * (the summary counts the results, names and references are complete) are applied when it becomes a
 * {@link PolicyReport}, each refusal with its path.
 */
final class PolicyReportWire {
  private PolicyReportWire() {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyOrder({
    "apiVersion",
    "kind",
    "metadata",
    "scope",
    "scopeSelector",
    "summary",
    "results"
  })
  record Report(
      String apiVersion,
      String kind,
      Metadata metadata,
      Reference scope,
      Selector scopeSelector,
      Summary summary,
      List<Result> results) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyOrder({"name", "namespace", "labels", "annotations"})
  record Metadata(
      String name, String namespace, Map<String, String> labels, Map<String, String> annotations) {}

  /** Always all five counts; a count left out reads as 0. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"pass", "fail", "warn", "error", "skip"})
  record Summary(Integer pass, Integer fail, Integer warn, Integer error, Integer skip) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyOrder({
    "policy",
    "rule",
    "source",
    "category",
    "severity",
    "result",
    "scored",
    "timestamp",
    "message",
    "resources",
    "resourceSelector",
    "properties"
  })
  record Result(
      String policy,
      String rule,
      String source,
      String category,
      String severity,
      String result,
      Boolean scored,
      Timestamp timestamp,
      String message,
      List<Reference> resources,
      Selector resourceSelector,
      Map<String, String> properties) {}

  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"seconds", "nanos"})
  record Timestamp(Long seconds, Integer nanos) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyOrder({
    "apiVersion",
    "kind",
    "namespace",
    "name",
    "uid",
    "resourceVersion",
    "fieldPath"
  })
  record Reference(
      String apiVersion,
      String kind,
      String namespace,
      String name,
      String uid,
      String resourceVersion,
      String fieldPath) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyOrder({"matchLabels", "matchExpressions"})
  record Selector(Map<String, String> matchLabels, List<Expression> matchExpressions) {}

  /** Values as the API gives them: label values are strings, an unquoted YAML 1 among them too. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyOrder({"key", "operator", "values"})
  record Expression(String key, String operator, List<JsonNode> values) {}

  // From the model.

  static Report wire(PolicyReport r) {
    PolicyReportSummary s = r.summary();
    return new Report(
        PolicyReport.API_VERSION,
        r.kind().wire(),
        new Metadata(r.name(), r.namespace(), sorted(r.labels()), sorted(r.annotations())),
        r.scope().map(PolicyReportWire::wire).orElse(null),
        r.scopeSelector().map(PolicyReportWire::wire).orElse(null),
        new Summary(
            s.count(PolicyResult.PASS),
            s.count(PolicyResult.FAIL),
            s.count(PolicyResult.WARN),
            s.count(PolicyResult.ERROR),
            s.count(PolicyResult.SKIP)),
        r.results().stream().map(PolicyReportWire::wire).toList());
  }

  static Result wire(PolicyReportResult r) {
    return new Result(
        r.policy(),
        r.rule(),
        r.source(),
        r.category(),
        r.severity().map(PolicyResultSeverity::wire).orElse(null),
        r.result().wire(),
        r.scored() ? Boolean.TRUE : null,
        new Timestamp(r.timestamp().getEpochSecond(), r.timestamp().getNano()),
        r.message(),
        r.resources().stream().map(PolicyReportWire::wire).toList(),
        r.resourceSelector().map(PolicyReportWire::wire).orElse(null),
        sorted(r.properties()));
  }

  private static Reference wire(ObjectReference o) {
    return new Reference(
        o.apiVersion(),
        o.kind(),
        o.namespace(),
        o.name(),
        o.uid(),
        o.resourceVersion(),
        o.fieldPath());
  }

  private static Selector wire(LabelSelector s) {
    return new Selector(
        sorted(s.matchLabels()),
        s.requirements().stream()
            .map(
                q ->
                    new Expression(
                        q.key(),
                        q.operator().spelling(),
                        new TreeSet<>(q.values())
                            .stream()
                                .map(v -> (JsonNode) JsonNodeFactory.instance.textNode(v))
                                .toList()))
            .toList());
  }

  private static Map<String, String> sorted(Map<String, String> m) {
    return new TreeMap<>(m);
  }

  // To the model.

  /** The validated report a bound record stands for. */
  static PolicyReport report(Report w) {
    String apiVersion = orEmpty(w.apiVersion());
    if (!apiVersion.equals(PolicyReport.API_VERSION)) {
      throw invalid("apiVersion", "is '" + apiVersion + "', expected " + PolicyReport.API_VERSION);
    }
    String kindText = orEmpty(w.kind());
    PolicyReport.Kind kind = null;
    for (PolicyReport.Kind k : PolicyReport.Kind.values()) {
      if (k.wire().equals(kindText)) {
        kind = k;
      }
    }
    if (kind == null) {
      throw invalid("kind", "is '" + kindText + "', expected PolicyReport or ClusterPolicyReport");
    }
    if (w.metadata() == null) {
      throw invalid("metadata", "is missing or not an object");
    }
    String name = orEmpty(w.metadata().name());
    List<PolicyReportResult> results = new ArrayList<>();
    List<Result> items = orEmpty(w.results());
    for (int i = 0; i < items.size(); i++) {
      results.add(result(items.get(i), "results[" + i + "]"));
    }
    Optional<ObjectReference> scope =
        Optional.ofNullable(w.scope()).map(s -> reference(s, "scope"));
    Optional<LabelSelector> scopeSelector =
        Optional.ofNullable(w.scopeSelector()).map(s -> selector(s, "scopeSelector"));
    try {
      Summary s = w.summary();
      PolicyReportSummary summary =
          s != null
              ? new PolicyReportSummary(
                  count(s.pass()),
                  count(s.fail()),
                  count(s.warn()),
                  count(s.error()),
                  count(s.skip()))
              : PolicyReportSummary.of(results);
      return new PolicyReport(
          kind,
          name,
          orEmpty(w.metadata().namespace()),
          orEmpty(w.metadata().labels()),
          orEmpty(w.metadata().annotations()),
          scope,
          scopeSelector,
          summary,
          results);
    } catch (IllegalArgumentException e) {
      throw invalid(kind.wire() + " " + name, e.getMessage());
    }
  }

  static PolicyReportResult result(Result w, String at) {
    if (w == null) {
      throw invalid(at, "is not an object");
    }
    if (w.result() == null) {
      throw invalid(at + ".result", "is missing (pass, fail, warn, error or skip)");
    }
    Instant timestamp = Instant.EPOCH;
    if (w.timestamp() != null) {
      if (w.timestamp().seconds() == null || w.timestamp().nanos() == null) {
        throw invalid(at + ".timestamp", "needs integer seconds and nanos");
      }
      long nanos = w.timestamp().nanos();
      if (nanos < 0 || nanos > 999_999_999) {
        throw invalid(at + ".timestamp.nanos", "is " + nanos + ", not 0 to 999999999");
      }
      timestamp = Instant.ofEpochSecond(w.timestamp().seconds(), nanos);
    }
    List<ObjectReference> resources = new ArrayList<>();
    List<Reference> refs = orEmpty(w.resources());
    for (int i = 0; i < refs.size(); i++) {
      resources.add(reference(refs.get(i), at + ".resources[" + i + "]"));
    }
    Optional<PolicyResultSeverity> severity;
    PolicyResult outcome;
    try {
      severity =
          orEmpty(w.severity()).isEmpty()
              ? Optional.empty()
              : Optional.of(PolicyResultSeverity.parse(w.severity()));
      outcome = PolicyResult.parse(w.result());
    } catch (InvalidInputException e) {
      throw invalid(at, e.getMessage());
    }
    Optional<LabelSelector> selector =
        Optional.ofNullable(w.resourceSelector()).map(s -> selector(s, at + ".resourceSelector"));
    try {
      return new PolicyReportResult(
          orEmpty(w.source()),
          orEmpty(w.policy()),
          orEmpty(w.rule()),
          orEmpty(w.category()),
          severity,
          timestamp,
          outcome,
          Boolean.TRUE.equals(w.scored()),
          resources,
          selector,
          orEmpty(w.message()),
          orEmpty(w.properties()));
    } catch (IllegalArgumentException e) {
      throw invalid(at, e.getMessage());
    }
  }

  private static ObjectReference reference(Reference r, String at) {
    if (r == null) {
      throw invalid(at, "is not an object reference");
    }
    try {
      return new ObjectReference(
          orEmpty(r.apiVersion()),
          orEmpty(r.kind()),
          orEmpty(r.namespace()),
          orEmpty(r.name()),
          orEmpty(r.uid()),
          orEmpty(r.resourceVersion()),
          orEmpty(r.fieldPath()));
    } catch (IllegalArgumentException e) {
      throw invalid(at, e.getMessage());
    }
  }

  private static LabelSelector selector(Selector s, String at) {
    List<LabelSelector.Requirement> reqs = new ArrayList<>();
    List<Expression> exprs = orEmpty(s.matchExpressions());
    for (int i = 0; i < exprs.size(); i++) {
      Expression e = exprs.get(i);
      String eat = at + ".matchExpressions[" + i + "]";
      if (e == null) {
        throw invalid(eat, "is not an object");
      }
      String op = orEmpty(e.operator());
      LabelSelector.Operator operator =
          LabelSelector.Operator.parse(op)
              .orElseThrow(
                  () ->
                      invalid(
                          eat + ".operator",
                          "is '" + op + "', not " + LabelSelector.Operator.listed(" or ")));
      List<String> values = new ArrayList<>();
      orEmpty(e.values()).forEach(x -> values.add(x == null ? "null" : x.asText()));
      try {
        reqs.add(new LabelSelector.Requirement(orEmpty(e.key()), operator, Set.copyOf(values)));
      } catch (IllegalArgumentException ex) {
        throw invalid(eat, ex.getMessage());
      }
    }
    return new LabelSelector(orEmpty(s.matchLabels()), reqs);
  }

  private static int count(Integer n) {
    return n == null ? 0 : n;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static <T> List<T> orEmpty(List<T> l) {
    return l == null ? List.of() : l;
  }

  private static Map<String, String> orEmpty(Map<String, String> m) {
    return m == null ? Map.of() : m;
  }

  static InvalidInputException invalid(String at, String problem) {
    return new InvalidInputException(
        Reason.REQUEST_MALFORMED, "PolicyReport: " + at + " " + problem);
  }
}
