package dev.modelgate.oms;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.core.StrictJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An in-toto Statement v1 as an attestation carries it (in-toto attestation spec, {@code
 * statement.md}): the predicate type, the subjects' sha256 digests and the predicate object. Parsed
 * once from the signed payload bytes; policy conditions read {@link #json()}.
 *
 * <p>Immutable by contract: {@link #json()} returns the parsed tree, which callers must not modify.
 */
public final class InTotoStatement {
  private static final StrictJson JSON =
      StrictJson.forDocument(Reason.STATEMENT_MALFORMED, "attestation statement");

  private final String predicateType;
  private final List<String> subjectDigests;
  private final JsonNode json;

  private InTotoStatement(String predicateType, List<String> subjectDigests, JsonNode json) {
    this.predicateType = predicateType;
    this.subjectDigests = List.copyOf(subjectDigests);
    this.json = json;
  }

  /**
   * Parses the payload.
   *
   * @throws InvalidInputException ({@link Reason#STATEMENT_MALFORMED}) when the payload is not
   *     JSON, not a Statement v1, or has no predicate type, subject list or predicate object
   */
  public static InTotoStatement parse(byte[] payload) {
    JsonNode root = JSON.parse(payload);
    if (!root.isObject()) {
      throw JSON.fail("is not a JSON object");
    }
    String type = JSON.optionalText(root, "_type", "_type");
    if (!StatementParser.STATEMENT_TYPE.equals(type)) {
      throw JSON.fail(
          "is not an in-toto Statement v1 (_type '"
              + Digest.abbreviate(type)
              + "', expected "
              + StatementParser.STATEMENT_TYPE
              + ")");
    }
    String predicateType = JSON.text(root, "predicateType", "predicateType");
    List<String> digests = new ArrayList<>();
    for (JsonNode subject : JSON.array(root, "subject", "subject", true)) {
      String sha = subject.path("digest").path("sha256").asText("");
      if (!sha.isEmpty()) {
        digests.add("sha256:" + sha);
      }
    }
    JSON.object(root, "predicate", "predicate");
    return new InTotoStatement(predicateType, digests, root);
  }

  public String predicateType() {
    return predicateType;
  }

  /** The subjects' sha256 digests as {@code sha256:<hex>}, in statement order. */
  public List<String> subjectDigests() {
    return subjectDigests;
  }

  /** Whether any subject has one of {@code digests} ({@code sha256:<hex>}). */
  public boolean isAbout(Set<String> digests) {
    Objects.requireNonNull(digests, "digests");
    return subjectDigests.stream().anyMatch(digests::contains);
  }

  /** The predicate object. */
  public JsonNode predicate() {
    return json.get("predicate");
  }

  /** The whole statement as parsed, for policy conditions. Read-only. */
  public JsonNode json() {
    return json;
  }
}
