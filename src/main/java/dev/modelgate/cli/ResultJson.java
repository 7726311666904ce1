package dev.modelgate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.modelgate.core.Failure;
import dev.modelgate.core.StrictJson;
import dev.modelgate.trust.Signer;
import dev.modelgate.verify.VerificationResult;
import java.util.ArrayList;
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

  static Map<String, Object> signer(Signer s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", s.method().label());
    m.put("identity", s.identity());
    if (!s.issuer().isEmpty()) {
      m.put("issuer", s.issuer());
    }
    if (!s.subjectAlternativeNames().isEmpty()) {
      m.put("subjectAlternativeNames", s.subjectAlternativeNames());
    }
    s.signingTime().ifPresent(t -> m.put("signingTime", t.toString()));
    return m;
  }

  static List<Map<String, Object>> failures(List<Failure> failures) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Failure f : failures) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("reason", f.reason().code());
      if (!f.subject().isEmpty()) {
        m.put("subject", f.subject());
      }
      f.field().ifPresent(p -> m.put("field", p.toString()));
      m.put("message", f.message());
      out.add(m);
    }
    return out;
  }

  static String write(Map<String, Object> doc) {
    try {
      return StrictJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("result cannot be written as JSON", e);
    }
  }
}
