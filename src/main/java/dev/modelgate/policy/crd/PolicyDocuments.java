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
import dev.modelgate.policy.CompileError;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
      String kind,
      String namespace,
      String name,
      CustomResource<?, ?> resource,
      Optional<CompileError> error) {
    public Document {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(error, "error");
      if ((resource == null) == error.isEmpty()) {
        throw new IllegalArgumentException("a document is either read or in error");
      }
    }

    public static Document read(
        String kind, String namespace, String name, CustomResource<?, ?> resource) {
      return new Document(
          kind, namespace, name, Objects.requireNonNull(resource), Optional.empty());
    }

    public static Document unreadable(
        String kind, String namespace, String name, CompileError error) {
      return new Document(kind, namespace, name, null, Optional.of(error));
    }
  }

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
          Document.unreadable(
              "",
              "",
              source,
              CompileError.unreadable(source + " is not valid YAML " + SyntaxError.describe(e))));
      return out;
    } catch (IOException | RuntimeException e) {
      out.add(
          Document.unreadable(
              "",
              "",
              source,
              CompileError.unreadable(
                  source
                      + " is not valid YAML: "
                      + String.valueOf(e.getMessage()).lines().findFirst().orElse(""))));
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
              Document.unreadable(
                  kind,
                  ns,
                  name,
                  CompileError.at(
                      "apiVersion",
                      CompileError.Kind.VALUE_INVALID,
                      kind
                          + " '"
                          + name
                          + "' in "
                          + source
                          + " must have apiVersion "
                          + API_VERSION)));
        }
        continue;
      }
      if (name.isEmpty()) {
        out.add(
            Document.unreadable(
                kind,
                ns,
                "(unnamed)",
                CompileError.at(
                    "metadata.name",
                    CompileError.Kind.FIELD_MISSING,
                    "a " + kind + " in " + source + " has no name")));
        continue;
      }
      try {
        out.add(Document.read(kind, ns, name, YAML.treeToValue(n, type)));
      } catch (UnrecognizedPropertyException e) {
        out.add(
            Document.unreadable(
                kind, ns, name, at(e, CompileError.Kind.FIELD_UNKNOWN, "unknown field")));
      } catch (JsonMappingException e) {
        out.add(
            Document.unreadable(
                kind,
                ns,
                name,
                at(
                    e,
                    CompileError.Kind.VALUE_INVALID,
                    "invalid value: " + e.getOriginalMessage())));
      } catch (IOException e) {
        out.add(Document.unreadable(kind, ns, name, CompileError.unreadable(e.getMessage())));
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

  /** The error at the field Jackson stopped at, from the document's root. */
  private static CompileError at(JsonMappingException e, CompileError.Kind kind, String message) {
    String path =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."))
            .replace(".[", "[");
    return path.isEmpty() ? CompileError.unreadable(message) : CompileError.at(path, kind, message);
  }
}
