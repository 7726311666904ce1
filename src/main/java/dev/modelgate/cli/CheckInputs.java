package dev.modelgate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.admission.AdmissionReviewParser;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Printable;
import dev.modelgate.core.Reason;
import dev.modelgate.core.SyntaxError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The inputs of {@code check}, read as {@code kubectl apply} reads them: several documents per
 * file, {@code kind: List} (and the API's typed lists) unwrapped, {@code -} for stdin, each input
 * at most as large as the webhook accepts.
 */
final class CheckInputs {
  /** A document of an input, where it came from. */
  record Document(String source, JsonNode node) {
    String kind() {
      return node.path("kind").asText("");
    }

    String name() {
      return node.path("metadata").path("name").asText("");
    }
  }

  /**
   * Most {@code kind: List} levels unwrapped: a List of Lists is fine, deeper is not a real export.
   */
  private static final int MAX_LIST_DEPTH = 4;

  private CheckInputs() {}

  /** Every document of every input, in order. */
  static List<Document> read(List<String> files, InputStream stdin) {
    List<Document> docs = new ArrayList<>();
    for (String f : files) {
      for (JsonNode n : documents(f, stdin)) {
        unwrap(f, n, 0, docs);
      }
    }
    return docs;
  }

  /** The documents of one input: a file, or stdin for "-". */
  private static List<JsonNode> documents(String f, InputStream stdin) {
    String source = f.equals("-") ? "stdin" : f;
    byte[] bytes = bytes(f, stdin);
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

  /** At most the webhook's limit of bytes (whatever the size said a moment ago), before parsing. */
  private static byte[] bytes(String f, InputStream stdin) {
    long max = AdmissionReviewParser.MAX_BYTES;
    try {
      if (f.equals("-")) {
        byte[] bytes = stdin.readNBytes((int) max + 1);
        if (bytes.length > max) {
          throw new InvalidInputException(
              Reason.LIMIT_EXCEEDED, "stdin holds more than " + max + " bytes");
        }
        return bytes;
      }
      Path p = Path.of(f);
      if (Files.isDirectory(p)) {
        throw new InvalidInputException(
            Reason.NOT_FOUND, "workload file " + f + " is a directory; give the files in it");
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(p)) {
        bytes = in.readNBytes((int) max + 1);
      }
      if (bytes.length > max) {
        throw new InvalidInputException(
            Reason.LIMIT_EXCEEDED,
            f + " is larger than " + max + " bytes, the limit the webhook applies too");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(Reason.NOT_FOUND, "workload file " + f + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new InvalidInputException(
          Reason.NOT_FOUND, "workload file " + f + ": permission denied", e);
    } catch (IOException e) {
      throw new InvalidInputException(
          Reason.NOT_FOUND, "workload file " + f + " cannot be read: " + e.getMessage(), e);
    }
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
}
