package dev.modelgate.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.policy.LabelSelector;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reports to and from their API form (JSON trees; YAML documents for {@code kubectl apply}). Field
 * names and omissions follow the Go types of {@code wgpolicyk8s.io/v1alpha2} (see {@link
 * PolicyReport}): empty optional strings, {@code scored: false} and empty lists are left out, the
 * summary is always written with all five counts. Parsing takes what the API server returns: the
 * server's own metadata (uid, resourceVersion, managedFields) and unknown fields are ignored; a
 * known field of the wrong type, an unknown result value or a summary that does not count the
 * results is refused with its path.
 */
public final class PolicyReportJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML =
      // Every string quoted: unquoted, "2", ".inf" or "yes" would read back as other types.
      new YAMLMapper();

  private PolicyReportJson() {}

  /** The report as the API writes it. */
  public static ObjectNode toTree(PolicyReport r) {
    ObjectNode n = NODES.objectNode();
    n.put("apiVersion", PolicyReport.API_VERSION);
    n.put("kind", r.kind().wire());
    ObjectNode meta = n.putObject("metadata");
    meta.put("name", r.name());
    putIfSet(meta, "namespace", r.namespace());
    if (!r.labels().isEmpty()) {
      meta.set("labels", strings(r.labels()));
    }
    if (!r.annotations().isEmpty()) {
      meta.set("annotations", strings(r.annotations()));
    }
    r.scope().ifPresent(s -> n.set("scope", reference(s)));
    r.scopeSelector().ifPresent(s -> n.set("scopeSelector", selector(s)));
    ObjectNode summary = n.putObject("summary");
    for (PolicyResult p : PolicyResult.values()) {
      summary.put(p.wire(), r.summary().count(p));
    }
    if (!r.results().isEmpty()) {
      ArrayNode results = n.putArray("results");
      r.results().forEach(x -> results.add(result(x)));
    }
    return n;
  }

  /** One result as the API writes it. */
  public static ObjectNode result(PolicyReportResult r) {
    ObjectNode n = NODES.objectNode();
    n.put("policy", r.policy());
    putIfSet(n, "rule", r.rule());
    putIfSet(n, "source", r.source());
    putIfSet(n, "category", r.category());
    r.severity().ifPresent(s -> n.put("severity", s.wire()));
    n.put("result", r.result().wire());
    if (r.scored()) {
      n.put("scored", true);
    }
    ObjectNode ts = n.putObject("timestamp");
    ts.put("seconds", r.timestamp().getEpochSecond());
    ts.put("nanos", r.timestamp().getNano());
    putIfSet(n, "message", r.message());
    if (!r.resources().isEmpty()) {
      ArrayNode refs = n.putArray("resources");
      r.resources().forEach(o -> refs.add(reference(o)));
    }
    r.resourceSelector().ifPresent(s -> n.set("resourceSelector", selector(s)));
    if (!r.properties().isEmpty()) {
      n.set("properties", strings(r.properties()));
    }
    return n;
  }

  /** The reports as YAML, one document each ({@code ---} between), ready for kubectl apply. */
  public static String toYaml(List<PolicyReport> reports) {
    StringBuilder out = new StringBuilder();
    for (PolicyReport r : reports) {
      try {
        out.append(YAML.writeValueAsString(toTree(r)));
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out.toString();
  }

  /** Compact JSON, for the API. */
  public static String toJson(PolicyReport r) {
    try {
      return JSON.writeValueAsString(toTree(r));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The size of one result in the API's JSON, for report limits. */
  static long toJsonBytes(PolicyReportResult r) {
    try {
      return JSON.writeValueAsBytes(result(r)).length;
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A report read back from its API form. */
  public static PolicyReport parse(JsonNode n) {
    if (!n.isObject()) {
      throw invalid("a PolicyReport", "is not an object");
    }
    String apiVersion = text(n, "apiVersion", "");
    if (!apiVersion.equals(PolicyReport.API_VERSION)) {
      throw invalid("apiVersion", "is '" + apiVersion + "', expected " + PolicyReport.API_VERSION);
    }
    String kindText = text(n, "kind", "");
    PolicyReport.Kind kind = null;
    for (PolicyReport.Kind k : PolicyReport.Kind.values()) {
      if (k.wire().equals(kindText)) {
        kind = k;
      }
    }
    if (kind == null) {
      throw invalid("kind", "is '" + kindText + "', expected PolicyReport or ClusterPolicyReport");
    }
    JsonNode meta = object(n, "metadata", "metadata");
    String name = text(meta, "name", "metadata");
    List<PolicyReportResult> results = new ArrayList<>();
    JsonNode items = n.path("results");
    if (!items.isMissingNode() && !items.isNull()) {
      if (!items.isArray()) {
        throw invalid("results", "is not a list");
      }
      for (int i = 0; i < items.size(); i++) {
        results.add(parseResult(items.get(i), "results[" + i + "]"));
      }
    }
    Optional<ObjectReference> scope = optionalReference(n, "scope", "scope");
    Optional<LabelSelector> scopeSelector = optionalSelector(n, "scopeSelector", "scopeSelector");
    String namespace = text(meta, "namespace", "metadata");
    Map<String, String> labels = stringMap(meta, "labels", "metadata");
    Map<String, String> annotations = stringMap(meta, "annotations", "metadata");
    JsonNode s = n.path("summary");
    boolean counted = !s.isMissingNode() && !s.isNull();
    int[] counts = new int[PolicyResult.values().length];
    for (PolicyResult p : PolicyResult.values()) {
      counts[p.ordinal()] = counted ? count(s, p.wire()) : 0;
    }
    try {
      PolicyReportSummary summary =
          counted
              ? new PolicyReportSummary(
                  counts[PolicyResult.PASS.ordinal()],
                  counts[PolicyResult.FAIL.ordinal()],
                  counts[PolicyResult.WARN.ordinal()],
                  counts[PolicyResult.ERROR.ordinal()],
                  counts[PolicyResult.SKIP.ordinal()])
              : PolicyReportSummary.of(results);
      return new PolicyReport(
          kind, name, namespace, labels, annotations, scope, scopeSelector, summary, results);
    } catch (IllegalArgumentException e) {
      throw invalid(kind.wire() + " " + name, e.getMessage());
    }
  }

  /** A report from JSON or YAML text. */
  public static PolicyReport parse(String text) {
    try {
      return parse(YAML.readTree(text));
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(
          Reason.REQUEST_MALFORMED,
          "a PolicyReport is not YAML or JSON: " + e.getOriginalMessage(),
          e);
    }
  }

  static PolicyReportResult parseResult(JsonNode n, String at) {
    if (!n.isObject()) {
      throw invalid(at, "is not an object");
    }
    JsonNode result = n.path("result");
    if (!result.isTextual()) {
      throw invalid(at + ".result", "is missing (pass, fail, warn, error or skip)");
    }
    JsonNode ts = n.path("timestamp");
    Instant timestamp = Instant.EPOCH;
    if (!ts.isMissingNode() && !ts.isNull()) {
      if (!ts.path("seconds").canConvertToLong() || !ts.path("nanos").canConvertToInt()) {
        throw invalid(at + ".timestamp", "needs integer seconds and nanos");
      }
      long nanos = ts.path("nanos").asLong();
      if (nanos < 0 || nanos > 999_999_999) {
        throw invalid(at + ".timestamp.nanos", "is " + nanos + ", not 0 to 999999999");
      }
      timestamp = Instant.ofEpochSecond(ts.path("seconds").asLong(), nanos);
    }
    List<ObjectReference> resources = new ArrayList<>();
    JsonNode refs = n.path("resources");
    if (!refs.isMissingNode() && !refs.isNull()) {
      if (!refs.isArray()) {
        throw invalid(at + ".resources", "is not a list");
      }
      for (int i = 0; i < refs.size(); i++) {
        resources.add(reference(refs.get(i), at + ".resources[" + i + "]"));
      }
    }
    JsonNode scored = n.path("scored");
    if (!scored.isMissingNode() && !scored.isBoolean()) {
      throw invalid(at + ".scored", "is not true or false");
    }
    String severityText = text(n, "severity", at);
    Optional<PolicyResultSeverity> severity;
    PolicyResult outcome;
    try {
      severity =
          severityText.isEmpty()
              ? Optional.empty()
              : Optional.of(PolicyResultSeverity.parse(severityText));
      outcome = PolicyResult.parse(result.asText());
    } catch (InvalidInputException e) {
      throw invalid(at, e.getMessage());
    }
    String source = text(n, "source", at);
    String policy = text(n, "policy", at);
    String rule = text(n, "rule", at);
    String category = text(n, "category", at);
    Optional<LabelSelector> selector = optionalSelector(n, "resourceSelector", at);
    String message = text(n, "message", at);
    Map<String, String> properties = stringMap(n, "properties", at);
    try {
      return new PolicyReportResult(
          source,
          policy,
          rule,
          category,
          severity,
          timestamp,
          outcome,
          scored.asBoolean(false),
          resources,
          selector,
          message,
          properties);
    } catch (IllegalArgumentException e) {
      throw invalid(at, e.getMessage());
    }
  }

  private static ObjectNode reference(ObjectReference o) {
    ObjectNode n = NODES.objectNode();
    putIfSet(n, "apiVersion", o.apiVersion());
    n.put("kind", o.kind());
    putIfSet(n, "namespace", o.namespace());
    n.put("name", o.name());
    putIfSet(n, "uid", o.uid());
    putIfSet(n, "resourceVersion", o.resourceVersion());
    putIfSet(n, "fieldPath", o.fieldPath());
    return n;
  }

  private static Optional<ObjectReference> optionalReference(JsonNode n, String field, String at) {
    JsonNode v = n.path(field);
    return v.isMissingNode() || v.isNull() ? Optional.empty() : Optional.of(reference(v, at));
  }

  private static ObjectReference reference(JsonNode n, String at) {
    if (!n.isObject()) {
      throw invalid(at, "is not an object reference");
    }
    try {
      return new ObjectReference(
          text(n, "apiVersion", at),
          text(n, "kind", at),
          text(n, "namespace", at),
          text(n, "name", at),
          text(n, "uid", at),
          text(n, "resourceVersion", at),
          text(n, "fieldPath", at));
    } catch (IllegalArgumentException e) {
      throw invalid(at, e.getMessage());
    }
  }

  private static ObjectNode selector(LabelSelector s) {
    ObjectNode n = NODES.objectNode();
    if (!s.matchLabels().isEmpty()) {
      n.set("matchLabels", strings(s.matchLabels()));
    }
    if (!s.requirements().isEmpty()) {
      ArrayNode exprs = n.putArray("matchExpressions");
      for (LabelSelector.Requirement r : s.requirements()) {
        ObjectNode e = exprs.addObject();
        e.put("key", r.key());
        e.put("operator", operator(r.operator()));
        if (!r.values().isEmpty()) {
          ArrayNode values = e.putArray("values");
          new TreeSet<>(r.values()).forEach(values::add);
        }
      }
    }
    return n;
  }

  private static Optional<LabelSelector> optionalSelector(JsonNode n, String field, String at) {
    JsonNode v = n.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return Optional.empty();
    }
    String here = at.equals(field) ? field : at + "." + field;
    if (!v.isObject()) {
      throw invalid(here, "is not a label selector");
    }
    List<LabelSelector.Requirement> reqs = new ArrayList<>();
    JsonNode exprs = v.path("matchExpressions");
    if (!exprs.isMissingNode() && !exprs.isArray()) {
      throw invalid(here + ".matchExpressions", "is not a list");
    }
    for (int i = 0; i < exprs.size(); i++) {
      JsonNode e = exprs.get(i);
      String eat = here + ".matchExpressions[" + i + "]";
      List<String> values = new ArrayList<>();
      e.path("values").forEach(x -> values.add(x.asText()));
      try {
        reqs.add(
            new LabelSelector.Requirement(
                text(e, "key", eat), operator(text(e, "operator", eat), eat), Set.copyOf(values)));
      } catch (IllegalArgumentException ex) {
        throw invalid(eat, ex.getMessage());
      }
    }
    return Optional.of(new LabelSelector(stringMap(v, "matchLabels", here), reqs));
  }

  private static String operator(LabelSelector.Operator o) {
    switch (o) {
      case IN:
        return "In";
      case NOT_IN:
        return "NotIn";
      case EXISTS:
        return "Exists";
      case DOES_NOT_EXIST:
        return "DoesNotExist";
      default:
        throw new IllegalArgumentException("no wire form for operator " + o);
    }
  }

  private static LabelSelector.Operator operator(String text, String at) {
    for (LabelSelector.Operator o : LabelSelector.Operator.values()) {
      if (operator(o).equals(text)) {
        return o;
      }
    }
    throw invalid(at + ".operator", "is '" + text + "', not In, NotIn, Exists or DoesNotExist");
  }

  private static ObjectNode strings(Map<String, String> m) {
    ObjectNode n = NODES.objectNode();
    new TreeMap<>(m).forEach(n::put);
    return n;
  }

  private static void putIfSet(ObjectNode n, String field, String value) {
    if (!value.isEmpty()) {
      n.put(field, value);
    }
  }

  /** An optional string field: "" when absent; refused when present and not a string. */
  private static String text(JsonNode n, String field, String at) {
    JsonNode v = n.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return "";
    }
    if (!v.isTextual()) {
      throw invalid(at.isEmpty() ? field : at + "." + field, "is not a string");
    }
    return v.asText();
  }

  private static JsonNode object(JsonNode n, String field, String at) {
    JsonNode v = n.path(field);
    if (!v.isObject()) {
      throw invalid(at, "is missing or not an object");
    }
    return v;
  }

  private static Map<String, String> stringMap(JsonNode n, String field, String at) {
    JsonNode v = n.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return Map.of();
    }
    if (!v.isObject()) {
      throw invalid(at + "." + field, "is not a map of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    var it = v.fields();
    while (it.hasNext()) {
      var e = it.next();
      if (!e.getValue().isTextual()) {
        throw invalid(at + "." + field + "." + e.getKey(), "is not a string");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private static int count(JsonNode summary, String field) {
    JsonNode v = summary.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return 0;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw invalid("summary." + field, "is not a whole number");
    }
    return v.asInt();
  }

  private static InvalidInputException invalid(String at, String problem) {
    return new InvalidInputException(
        Reason.REQUEST_MALFORMED, "PolicyReport: " + at + " " + problem);
  }
}
