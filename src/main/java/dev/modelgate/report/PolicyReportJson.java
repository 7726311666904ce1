package dev.modelgate.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.report.PolicyReportWire.Metadata;
import dev.modelgate.report.PolicyReportWire.Reference;
import dev.modelgate.report.PolicyReportWire.Report;
import dev.modelgate.report.PolicyReportWire.Result;
import dev.modelgate.report.PolicyReportWire.Selector;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Reports to and from their API form (JSON trees; YAML documents for {@code kubectl apply}),
 * through Jackson records that spell the Go types of {@code wgpolicyk8s.io/v1alpha2} (see {@link
 * PolicyReport}): empty optional strings, {@code scored: false} and empty lists are left out, the
 * summary is always written with all five counts. Parsing takes what the API server returns: the
 * server's own metadata (uid, resourceVersion, managedFields) and unknown fields are ignored; a
 * known field of the wrong type, an unknown result value or a summary that does not count the
 * results is refused with its path.
 */
public final class PolicyReportJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  /**
   * Reads the records strictly: a field is the type the Go type says or the report is refused (no
   * number read as a string, no "true" read as a boolean, no 1.5 read as 1), unknown fields aside.
   */
  private static final ObjectMapper READER = reader();

  private PolicyReportJson() {}

  private static ObjectMapper reader() {
    ObjectMapper m =
        JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();
    for (CoercionInputShape shape :
        List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
      m.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
    }
    for (LogicalType t : List.of(LogicalType.Boolean, LogicalType.Integer)) {
      m.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
      m.coercionConfigFor(t).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }
    m.coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    return m;
  }

  // Writing and reading; the records and their conversions are in PolicyReportWire.

  /** The report as the API writes it. */
  public static ObjectNode toTree(PolicyReport r) {
    return JSON.valueToTree(PolicyReportWire.wire(r));
  }

  /** One result as the API writes it. */
  public static ObjectNode result(PolicyReportResult r) {
    return JSON.valueToTree(PolicyReportWire.wire(r));
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
      return JSON.writeValueAsString(PolicyReportWire.wire(r));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The size of one result in the API's JSON, for report limits. */
  static long toJsonBytes(PolicyReportResult r) {
    try {
      return JSON.writeValueAsBytes(PolicyReportWire.wire(r)).length;
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A report read back from its API form. */
  public static PolicyReport parse(JsonNode n) {
    if (!n.isObject()) {
      throw invalid("a PolicyReport", "is not an object");
    }
    return PolicyReportWire.report(bind(n, Report.class, ""));
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

  /** One result read back from its API form; {@code at} is its path in the report. */
  static PolicyReportResult parseResult(JsonNode n, String at) {
    if (!n.isObject()) {
      throw invalid(at, "is not an object");
    }
    return PolicyReportWire.result(bind(n, Result.class, at), at);
  }

  /**
   * {@code n} as the record {@code type}; a field of the wrong type is refused with its path and
   * what it should be.
   */
  private static <T> T bind(JsonNode n, Class<T> type, String at) {
    try {
      return READER.treeToValue(n, type);
    } catch (JsonMappingException e) {
      throw wrongType(e, at);
    } catch (JsonProcessingException e) {
      throw invalid(at.isEmpty() ? "a PolicyReport" : at, e.getOriginalMessage());
    }
  }

  /** "results[0].message is not a string", from where binding failed and the type it wanted. */
  private static InvalidInputException wrongType(JsonMappingException e, String at) {
    StringBuilder path = new StringBuilder(at);
    String parent = "";
    String field = "";
    for (JsonMappingException.Reference r : e.getPath()) {
      parent = field;
      if (r.getFieldName() != null) {
        field = r.getFieldName();
        path.append(path.length() == 0 ? "" : ".").append(field);
      } else if (r.getIndex() >= 0) {
        path.append('[').append(r.getIndex()).append(']');
      }
    }
    Class<?> target =
        e instanceof MismatchedInputException m && m.getTargetType() != null
            ? m.getTargetType()
            : Object.class;
    String where = path.length() == 0 ? "a PolicyReport" : path.toString();
    if (parent.equals("timestamp") && (field.equals("seconds") || field.equals("nanos"))) {
      return invalid(where.substring(0, where.lastIndexOf('.')), "needs integer seconds and nanos");
    }
    if (parent.equals("summary")) {
      return invalid(where, "is not a whole number");
    }
    if (target == String.class) {
      return invalid(where, "is not a string");
    }
    if (target == Boolean.class || target == boolean.class) {
      return invalid(where, "is not true or false");
    }
    if (List.class.isAssignableFrom(target)) {
      return invalid(where, "is not a list");
    }
    if (Map.class.isAssignableFrom(target)) {
      return invalid(where, "is not a map of strings");
    }
    if (target == Metadata.class) {
      return invalid(where, "is missing or not an object");
    }
    if (target == Reference.class) {
      return invalid(where, "is not an object reference");
    }
    if (target == Selector.class) {
      return invalid(where, "is not a label selector");
    }
    if (target == Integer.class || target == Long.class) {
      return invalid(where, "is not a whole number");
    }
    return invalid(where, "is not an object");
  }

  private static InvalidInputException invalid(String at, String problem) {
    return PolicyReportWire.invalid(at, problem);
  }
}
