package dev.modelgate.inpod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Printable;
import dev.modelgate.core.Reason;
import dev.modelgate.core.StrictJson;
import dev.modelgate.policy.Mode;
import dev.modelgate.trust.SigningMethod;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What the injected volume verifier ({@code modelgate verify-volume}) decided, as it records it in
 * its termination message so that background verification can read it back from the pod's status
 * ({@code status.initContainerStatuses[].state.terminated.message}). The message is an optional
 * human line followed by one record line: {@value #PREFIX} and a JSON object {@code {"model",
 * "uri", "results": [{"policy", "mode", "result": "pass"|"fail", "signer", "method", "reason",
 * "message"}], "more"}}.
 *
 * <p>The kubelet keeps the last 4096 bytes of the file and the status manager then the first 12 KiB
 * divided by the pod's container count ({@code kubernetes/kubernetes:pkg/kubelet/status/
 * status_manager.go}, {@code normalizeStatus}); {@link #encode} stays within {@link #BUDGET} bytes,
 * the share of a pod with 12 containers, shortening messages and then dropping results (counted in
 * {@code more}). A truncated, missing or altered record never reads as a pass: {@link #parse}
 * refuses anything but the exact shape.
 */
public record VerifierOutcome(String model, String uri, List<Result> results, int more) {
  /** Marks the record line; the version changes when the shape does. */
  public static final String PREFIX = "modelgate.dev/verify-volume/v1 ";

  /** Bytes the whole termination message may take (12 KiB / 12 containers). */
  public static final int BUDGET = 1024;

  private static final int MESSAGE_CHARS = 160;

  /**
   * What a model name or URI may take of the record, in bytes of JSON: with two of them and no
   * result the record still fits the budget, however many multi-byte or escaped characters.
   */
  private static final int NAME_BYTES = 200;

  public VerifierOutcome {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(uri, "uri");
    results = List.copyOf(results);
    if (more < 0) {
      throw new IllegalArgumentException("more must not be negative, got " + more);
    }
  }

  /**
   * One policy's decision on the volume.
   *
   * @param reason the first failure's reason; empty when passed
   * @param signer the identity that signed, when the signature verified
   */
  public record Result(
      String policy,
      Mode mode,
      boolean passed,
      Optional<String> signer,
      Optional<String> method,
      Optional<Reason> reason,
      String message) {
    public Result {
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(signer, "signer");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
      if (policy.isEmpty()) {
        throw new IllegalArgumentException("a verifier result names its policy");
      }
      if (passed == reason.isPresent()) {
        throw new IllegalArgumentException(
            "a verifier result has a reason exactly when it failed (policy " + policy + ")");
      }
    }
  }

  /** The termination message: {@code humanLine} (may be empty) and the record, within budget. */
  public String encode(String humanLine) {
    // Every result with its message; else every result without messages (the scan needs each
    // policy's result more than the wording); else as many results as fit, the rest counted.
    for (int kept = results.size(); kept >= 0; kept--) {
      for (int messageChars :
          kept == results.size() ? new int[] {MESSAGE_CHARS, 0} : new int[] {0}) {
        String record = PREFIX + json(messageChars, kept);
        int room = BUDGET - record.getBytes(StandardCharsets.UTF_8).length - 1;
        if (room >= 0) {
          String human = fit(Printable.escape(humanLine), room - 1);
          return human.isEmpty() ? record + "\n" : human + "\n" + record + "\n";
        }
      }
    }
    throw new IllegalStateException(
        "the verifier outcome for model '" + model + "' does not fit in " + BUDGET + " bytes");
  }

  private String json(int messageChars, int kept) {
    ObjectNode o = StrictJson.mapper().createObjectNode();
    o.put("model", recordedForm(model));
    o.put("uri", recordedForm(uri));
    ArrayNode rs = o.putArray("results");
    for (Result r : results.subList(0, kept)) {
      ObjectNode n = rs.addObject();
      n.put("policy", r.policy());
      n.put("mode", modeName(r.mode()));
      n.put("result", r.passed() ? "pass" : "fail");
      r.signer().ifPresent(s -> n.put("signer", shorten(s, MESSAGE_CHARS)));
      r.method().ifPresent(m -> n.put("method", m));
      r.reason().ifPresent(c -> n.put("reason", c.code()));
      if (messageChars > 0 && !r.message().isEmpty()) {
        n.put("message", shorten(r.message(), messageChars));
      }
    }
    if (more + results.size() - kept > 0) {
      o.put("more", more + results.size() - kept);
    }
    return o.toString();
  }

  /**
   * Reads the record back from a termination message, strictly: exactly one record line, the last
   * one, of the current version, every field of the right type, the mode and reason known.
   *
   * @throws InvalidInputException (REQUEST_MALFORMED) naming what is wrong
   */
  public static VerifierOutcome parse(String message) {
    String[] lines = message.strip().split("\n", -1);
    String last = lines[lines.length - 1];
    long records = 0;
    for (String line : lines) {
      records += line.startsWith(PREFIX.strip()) ? 1 : 0;
    }
    if (records > 1) {
      throw invalid("has more than one record line");
    }
    if (!last.startsWith(PREFIX)) {
      throw invalid(
          records == 1
              ? "has its record before the last line"
              : "has no " + PREFIX.strip() + " record as its last line");
    }
    JsonNode o =
        StrictJson.forDocument(Reason.REQUEST_MALFORMED, "the verifier's termination message")
            .parse(last.substring(PREFIX.length()).getBytes(StandardCharsets.UTF_8));
    if (!o.isObject()) {
      throw invalid("record is not a JSON object");
    }
    allowOnly(o, "record", List.of("model", "uri", "results", "more"));
    JsonNode results = o.path("results");
    if (!results.isArray()) {
      throw invalid("record has no results array");
    }
    List<Result> out = new ArrayList<>();
    for (JsonNode r : results) {
      out.add(result(r));
    }
    JsonNode more = o.path("more");
    if (!more.isMissingNode() && !(more.isInt() && more.asInt() > 0)) {
      throw invalid("record field 'more' is not a positive integer");
    }
    if (out.isEmpty()) {
      throw invalid("record holds no result");
    }
    return new VerifierOutcome(text(o, "model"), text(o, "uri"), out, more.asInt(0));
  }

  private static Result result(JsonNode r) {
    if (!r.isObject()) {
      throw invalid("result is not a JSON object");
    }
    allowOnly(
        r, "result", List.of("policy", "mode", "result", "signer", "method", "reason", "message"));
    String result = text(r, "result");
    if (!result.equals("pass") && !result.equals("fail")) {
      throw invalid("result '" + Printable.escape(result) + "' is neither pass nor fail");
    }
    boolean passed = result.equals("pass");
    Optional<Reason> reason = Optional.empty();
    if (r.has("reason")) {
      String code = text(r, "reason");
      try {
        reason = Optional.of(Reason.valueOf(code));
      } catch (IllegalArgumentException e) {
        throw invalid("reason '" + Printable.escape(code) + "' is not a ModelGate reason code");
      }
    }
    if (passed == reason.isPresent()) {
      throw invalid(
          passed ? "a passing result carries a reason" : "a failing result has no reason");
    }
    return new Result(
        text(r, "policy"),
        mode(text(r, "mode")),
        passed,
        optionalText(r, "signer"),
        method(optionalText(r, "method")),
        reason,
        optionalText(r, "message").orElse(""));
  }

  private static Optional<String> method(Optional<String> m) {
    for (SigningMethod known : SigningMethod.values()) {
      if (m.isEmpty() || known.label().equals(m.get())) {
        return m;
      }
    }
    throw invalid(
        "signing method '" + Printable.escape(m.get()) + "' is not key, certificate or keyless");
  }

  private static Mode mode(String s) {
    switch (s) {
      case "Enforce":
        return Mode.ENFORCE;
      case "Warn":
        return Mode.WARN;
      case "Audit":
        return Mode.AUDIT;
      default:
        throw invalid("mode '" + Printable.escape(s) + "' is not Enforce, Warn or Audit");
    }
  }

  private static String modeName(Mode m) {
    String n = m.name().toLowerCase(Locale.ROOT);
    return Character.toUpperCase(n.charAt(0)) + n.substring(1);
  }

  private static void allowOnly(JsonNode o, String what, List<String> fields) {
    o.fieldNames()
        .forEachRemaining(
            f -> {
              if (!fields.contains(f)) {
                throw invalid(what + " has an unknown field '" + Printable.escape(f) + "'");
              }
            });
  }

  private static String text(JsonNode o, String field) {
    JsonNode n = o.path(field);
    if (!n.isTextual() || n.asText().isEmpty()) {
      throw invalid("field '" + field + "' is missing or not a non-empty string");
    }
    return n.asText();
  }

  private static Optional<String> optionalText(JsonNode o, String field) {
    return o.has(field) ? Optional.of(text(o, field)) : Optional.empty();
  }

  private static InvalidInputException invalid(String what) {
    return new InvalidInputException(
        Reason.REQUEST_MALFORMED, "the verifier's termination message " + what);
  }

  /**
   * How a model name or URI appears in the record: as given, or cut to at most {@value #NAME_BYTES}
   * bytes of JSON and marked with "..." (compare a pod's expected model in this form). Cut by
   * bytes, not characters: 300 characters of a non-Latin name are 900 bytes, and a record that does
   * not fit would make the verifier of a verified model fail.
   */
  public static String recordedForm(String nameOrUri) {
    if (jsonBytes(nameOrUri) <= NAME_BYTES) {
      return nameOrUri;
    }
    StringBuilder kept = new StringBuilder();
    int used = 0;
    for (int cp : nameOrUri.codePoints().toArray()) {
      String c = new String(Character.toChars(cp));
      used += jsonBytes(c);
      if (used > NAME_BYTES - 3) {
        break;
      }
      kept.append(c);
    }
    return kept.append("...").toString();
  }

  /**
   * At most what {@code s} takes in a JSON string: control characters, quotes and backslashes
   * escaped as six bytes.
   */
  private static int jsonBytes(String s) {
    int n = 0;
    for (int cp : s.codePoints().toArray()) {
      n +=
          cp < 0x20 || cp == '"' || cp == '\\'
              ? 6
              : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
    }
    return n;
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }

  /** {@code s} cut to at most {@code bytes} UTF-8 bytes, marked with "..." when cut. */
  private static String fit(String s, int bytes) {
    if (s.getBytes(StandardCharsets.UTF_8).length <= bytes) {
      return s;
    }
    if (bytes < 3) {
      return "";
    }
    int end = s.length();
    while (end > 0
        && (s.substring(0, end) + "...").getBytes(StandardCharsets.UTF_8).length > bytes) {
      end = Math.max(0, end - Math.max(1, (end / 8)));
    }
    return end == 0 ? "" : s.substring(0, end) + "...";
  }
}
