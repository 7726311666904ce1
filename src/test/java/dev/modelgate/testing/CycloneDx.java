package dev.modelgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.cyclonedx.Version;
import org.cyclonedx.exception.ParseException;
import org.cyclonedx.parsers.JsonParser;

/**
 * Checks BOMs the way a consumer would: against the CycloneDX 1.6 JSON schema with
 * cyclonedx-core-java's own validator, then parsed back by its parser, then read as JSON.
 */
public final class CycloneDx {
  private CycloneDx() {}

  /** The document, after asserting it is valid CycloneDX 1.6 JSON and parses as a BOM. */
  public static JsonNode valid(String json) {
    try {
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      List<ParseException> problems = new JsonParser().validate(bytes, Version.VERSION_16);
      assertThat(problems).as("CycloneDX 1.6 schema problems").isEmpty();
      assertThat(new JsonParser().parse(bytes).getSpecVersion()).isEqualTo("1.6");
      return new ObjectMapper().readTree(bytes);
    } catch (IOException | ParseException e) {
      throw new AssertionError("not a CycloneDX BOM: " + e.getMessage(), e);
    }
  }

  /** Every value of the properties named {@code name} of a component, service or card. */
  public static List<String> property(JsonNode holder, String name) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : holder.path("properties")) {
      if (p.path("name").asText().equals(name)) {
        out.add(p.path("value").asText());
      }
    }
    return out;
  }

  /** The one value of a property that must appear exactly once. */
  public static String one(JsonNode holder, String name) {
    List<String> values = property(holder, name);
    assertThat(values).as("property " + name).hasSize(1);
    return values.get(0);
  }

  /** The hash contents of a component, as {@code alg:content}. */
  public static List<String> hashes(JsonNode component) {
    List<String> out = new ArrayList<>();
    component
        .path("hashes")
        .forEach(h -> out.add(h.path("alg").asText() + ":" + h.path("content").asText()));
    return out;
  }
}
