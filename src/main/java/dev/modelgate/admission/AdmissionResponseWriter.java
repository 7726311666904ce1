package dev.modelgate.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.modelgate.core.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the AdmissionReview answer, in the apiVersion of the request (v1 or v1beta1): {@code
 * allowed}, the denial as a 403 status with the message of {@link AdmissionOutcome#denial()}, the
 * warnings, and for /mutate the patch.
 */
public final class AdmissionResponseWriter {
  /** Kubernetes truncates longer warnings; keep each readable. */
  static final int MAX_WARNING_CHARS = 1000;

  private AdmissionResponseWriter() {}

  public static byte[] write(String apiVersion, AdmissionOutcome o) {
    return write(apiVersion, o, false);
  }

  /** With {@code mutating}, the digest pins go in as a base64 JSONPatch. */
  public static byte[] write(String apiVersion, AdmissionOutcome o, boolean mutating) {
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("uid", o.uid());
    response.put("allowed", o.allowed());
    if (mutating && !o.patch().isEmpty()) {
      try {
        response.put("patchType", "JSONPatch");
        response.put(
            "patch",
            Base64.getEncoder().encodeToString(StrictJson.mapper().writeValueAsBytes(o.patch())));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    o.denial()
        .ifPresent(
            message ->
                response.put(
                    "status", Map.of("code", 403, "reason", "Forbidden", "message", message)));
    List<String> warnings = o.warnings();
    if (!warnings.isEmpty()) {
      response.put(
          "warnings",
          warnings.stream()
              .map(
                  w ->
                      w.length() > MAX_WARNING_CHARS
                          ? w.substring(0, MAX_WARNING_CHARS - 3) + "..."
                          : w)
              .toList());
    }
    Map<String, Object> review = new LinkedHashMap<>();
    review.put("apiVersion", apiVersion);
    review.put("kind", "AdmissionReview");
    review.put("response", response);
    try {
      return StrictJson.mapper().writeValueAsString(review).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("answer cannot be written", e);
    }
  }

  /** The body of an HTTP 400 for a review that could not be read. */
  public static byte[] error(String message) {
    try {
      return StrictJson.mapper()
          .writeValueAsString(Map.of("error", message))
          .getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
