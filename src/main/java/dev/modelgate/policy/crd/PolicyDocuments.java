package dev.modelgate.policy.crd;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.core.SyntaxError;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads ModelGate custom resources from YAML or JSON text (one or more documents), strictly: an
 * unknown field is an error naming its path, so a misspelt {@code sanRegexp} can never be ignored
 * silently. Documents of other kinds are skipped.
 */
public final class PolicyDocuments {
  public static final String API_VERSION = "modelgate.dev/v1alpha1";

  private static final ObjectMapper YAML =
      YAMLMapper.builder(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .build();

  private PolicyDocuments() {}

  /**
   * One document: the resource, or the error that kept it from being read (then resource is null).
   */
  public record Document(
      String kind, String namespace, String name, CustomResource<?, ?> resource, String error) {}

  public static List<Document> parse(String text, String source) {
    List<Document> out = new ArrayList<>();
    List<JsonNode> nodes = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
      while (it.hasNextValue()) {
        JsonNode n = it.nextValue();
        if (n != null && !n.isNull() && !n.isMissingNode()) {
          nodes.add(n);
        }
      }
    } catch (JsonProcessingException e) {
      out.add(
          new Document(
              "", "", source, null, source + " is not valid YAML " + SyntaxError.describe(e)));
      return out;
    } catch (IOException | RuntimeException e) {
      out.add(
          new Document(
              "",
              "",
              source,
              null,
              source
                  + " is not valid YAML: "
                  + String.valueOf(e.getMessage()).lines().findFirst().orElse("")));
      return out;
    }
    for (JsonNode n : nodes) {
      String kind = n.path("kind").asText("");
      String name = n.path("metadata").path("name").asText("");
      String ns = n.path("metadata").path("namespace").asText("");
      Class<? extends CustomResource<?, ?>> type = typeOf(kind);
      if (type == null || !API_VERSION.equals(n.path("apiVersion").asText())) {
        if (kind.endsWith("ModelPolicy") || kind.equals("ModelTrustRoot")) {
          out.add(
              new Document(
                  kind,
                  ns,
                  name,
                  null,
                  source + ": " + kind + " '" + name + "' must have apiVersion " + API_VERSION));
        }
        continue;
      }
      if (name.isEmpty()) {
        out.add(
            new Document(
                kind, ns, "(unnamed)", null, source + ": " + kind + " has no metadata.name"));
        continue;
      }
      try {
        out.add(new Document(kind, ns, name, YAML.treeToValue(n, type), ""));
      } catch (UnrecognizedPropertyException e) {
        out.add(new Document(kind, ns, name, null, "unknown field '" + path(e) + "'"));
      } catch (JsonMappingException e) {
        out.add(
            new Document(
                kind,
                ns,
                name,
                null,
                "invalid value at '" + path(e) + "': " + e.getOriginalMessage()));
      } catch (IOException e) {
        out.add(new Document(kind, ns, name, null, e.getMessage()));
      }
    }
    return out;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Class<? extends CustomResource<?, ?>> typeOf(String kind) {
    switch (kind) {
      case "ClusterModelPolicy":
        return (Class) ClusterModelPolicy.class;
      case "ModelPolicy":
        return (Class) ModelPolicy.class;
      case "ModelTrustRoot":
        return (Class) ModelTrustRoot.class;
      default:
        return null;
    }
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }
}
