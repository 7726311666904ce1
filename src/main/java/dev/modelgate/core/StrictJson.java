package dev.modelgate.core;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads untrusted JSON into a tree, strictly: duplicate keys are refused (two parsers must never
 * see two different values for one signed field), nesting is bounded, and trailing garbage is an
 * error. Field accessors throw {@link InvalidInputException} with a path to the bad field.
 */
public final class StrictJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  static {
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(Limits.MAX_JSON_DEPTH).build());
  }

  private final Reason reason;
  private final String what;

  private StrictJson(Reason reason, String what) {
    this.reason = reason;
    this.what = what;
  }

  /** A reader whose errors carry {@code reason} and name the document as {@code what}. */
  public static StrictJson forDocument(Reason reason, String what) {
    return new StrictJson(reason, what);
  }

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public JsonNode parse(byte[] json) {
    if (json.length == 0) {
      throw fail("is empty");
    }
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw fail("is empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      // Jackson's message quotes the offending token: never echo it. The file may be a link to
      // anything readable (a key, /etc/shadow), and the denial goes to whoever sent the workload.
      var at = e.getLocation();
      String where =
          at == null
              ? ""
              : String.format(
                  Locale.ROOT, " at line %d, column %d", at.getLineNr(), at.getColumnNr());
      String original = String.valueOf(e.getOriginalMessage());
      if (original.startsWith("Duplicate field '") && original.length() <= 120) {
        // Only reached by a document that is valid JSON but for a repeated key: the key is named.
        throw new InvalidInputException(
            reason, what + " is not valid JSON: " + Printable.escape(original));
      }
      throw new InvalidInputException(
          reason, what + " is not valid JSON" + where + " (content not shown)");
    } catch (IOException e) {
      throw new InvalidInputException(reason, what + " could not be read: " + e.getMessage(), e);
    }
  }

  public JsonNode object(JsonNode parent, String field, String path) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      throw fail("lacks " + path);
    }
    if (!n.isObject()) {
      throw fail("has " + path + " that is not an object");
    }
    return n;
  }

  public String text(JsonNode parent, String field, String path) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      throw fail("lacks " + path);
    }
    if (!n.isTextual()) {
      throw fail("has " + path + " that is not a string");
    }
    return n.textValue();
  }

  /** A string field that may be absent or null; returns "" then. */
  public String optionalText(JsonNode parent, String field, String path) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      return "";
    }
    if (!n.isTextual()) {
      throw fail("has " + path + " that is not a string");
    }
    return n.textValue();
  }

  public List<JsonNode> array(JsonNode parent, String field, String path, boolean required) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        throw fail("lacks " + path);
      }
      return List.of();
    }
    if (!n.isArray()) {
      throw fail("has " + path + " that is not an array");
    }
    List<JsonNode> out = new ArrayList<>(n.size());
    n.forEach(out::add);
    return out;
  }

  public boolean bool(JsonNode parent, String field, String path, boolean fallback) {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      return fallback;
    }
    if (!n.isBoolean()) {
      throw fail("has " + path + " that is not a boolean");
    }
    return n.booleanValue();
  }

  public InvalidInputException fail(String problem) {
    return new InvalidInputException(reason, what + " " + problem);
  }

  public InvalidInputException fail(Reason other, String problem) {
    return new InvalidInputException(other, what + " " + problem);
  }
}
