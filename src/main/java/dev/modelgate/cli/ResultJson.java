package dev.modelgate.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.modelgate.core.Failure;
import dev.modelgate.core.StrictJson;
import dev.modelgate.trust.Signer;
import dev.modelgate.verify.VerificationResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --json} documents: one per run on stdout, camelCase keys, a versioned schema name,
 * reasons as code plus message.
 */
final class ResultJson {
  static final String VERIFY_SCHEMA = "modelgate.dev/verify-result/v1";
  static final String SIGN_SCHEMA = "modelgate.dev/sign-result/v1";

  private ResultJson() {}

  static String verification(VerificationResult r) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schemaVersion", VERIFY_SCHEMA);
    doc.put("model", r.model());
    r.resolvedDigest().ifPresent(d -> doc.put("manifestDigest", d));
    doc.put("verified", r.verified());
    r.signer().ifPresent(s -> doc.put("signer", signer(s)));
    r.rootDigest().ifPresent(d -> doc.put("rootDigest", d.toString()));
    doc.put("filesChecked", r.filesChecked());
    doc.put("bytesHashed", r.bytesHashed());
    doc.put("failures", failures(r.failures()));
    if (!r.warnings().isEmpty()) {
      doc.put("warnings", r.warnings());
    }
    return write(doc);
  }

  /** Who signed: issuer and alternative names only when the signature method has them. */
  @JsonPropertyOrder({"method", "identity", "issuer", "subjectAlternativeNames", "signingTime"})
  record SignerJson(
      String method,
      String identity,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) String issuer,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> subjectAlternativeNames,
      @JsonInclude(JsonInclude.Include.NON_NULL) String signingTime) {}

  /** A failure as reason code, subject and field where known, and message. */
  @JsonPropertyOrder({"reason", "subject", "field", "message"})
  record FailureJson(
      String reason,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) String subject,
      @JsonInclude(JsonInclude.Include.NON_NULL) String field,
      String message) {}

  static SignerJson signer(Signer s) {
    return new SignerJson(
        s.method().label(),
        s.identity(),
        s.issuer(),
        s.subjectAlternativeNames(),
        s.signingTime().map(Object::toString).orElse(null));
  }

  static List<FailureJson> failures(List<Failure> failures) {
    return failures.stream()
        .map(
            f ->
                new FailureJson(
                    f.reason().code(),
                    f.subject(),
                    f.field().map(Object::toString).orElse(null),
                    f.message()))
        .toList();
  }

  /** A document (a map, or records such as {@link CheckJson}) as pretty-printed JSON. */
  static String write(Object doc) {
    try {
      return StrictJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("result cannot be written as JSON", e);
    }
  }
}
