package dev.modelgate.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.core.StrictJson;

/**
 * Reads an AdmissionReview ({@code admission.k8s.io/v1} or {@code v1beta1}). Anything that is not
 * one, or lacks {@code request.uid}, is unreadable: the endpoint answers HTTP 400, since there is
 * no uid to deny. Extra and unknown fields are ignored, as the API server adds fields over time.
 */
public final class AdmissionReviewParser {
  /**
   * Largest AdmissionReview or workload file read, by the webhook and by {@code check} alike, and
   * checked before any parsing. Objects of 10 MiB are answered (clusters that raise etcd's request
   * limit exist), so the limit stays above that.
   */
  public static final long MAX_BYTES = 16L * 1024 * 1024;

  private final StrictJson json =
      StrictJson.forDocument(Reason.REQUEST_MALFORMED, "AdmissionReview");

  public AdmissionRequest parse(byte[] body) {
    if (body.length > MAX_BYTES) {
      throw new InvalidInputException(
          Reason.LIMIT_EXCEEDED,
          "AdmissionReview has " + body.length + " bytes, more than the limit of " + MAX_BYTES);
    }
    JsonNode root = json.parse(body);
    if (!root.isObject()) {
      throw json.fail("is not a JSON object");
    }
    String kind = root.path("kind").asText("");
    String apiVersion = root.path("apiVersion").asText("");
    if (!kind.equals("AdmissionReview")) {
      throw json.fail("has kind '" + kind + "', expected AdmissionReview");
    }
    if (!apiVersion.equals("admission.k8s.io/v1")
        && !apiVersion.equals("admission.k8s.io/v1beta1")) {
      throw json.fail(
          "has apiVersion '" + apiVersion + "', expected admission.k8s.io/v1 or v1beta1");
    }
    JsonNode req = json.object(root, "request", "request");
    String uid = json.text(req, "uid", "request.uid");
    if (uid.isBlank()) {
      throw json.fail("has an empty request.uid");
    }
    String resourceKind =
        json.text(json.object(req, "kind", "request.kind"), "kind", "request.kind.kind");
    String operation = json.text(req, "operation", "request.operation");
    // Some captures (Connaisseur's) carry dryRun beside the request rather than in it.
    boolean dryRun = req.path("dryRun").asBoolean(false) || root.path("dryRun").asBoolean(false);
    JsonNode object = req.path("object");
    String name =
        req.path("name")
            .asText(
                object
                    .path("metadata")
                    .path("name")
                    .asText(object.path("metadata").path("generateName").asText("")));
    String namespace =
        req.path("namespace").asText(object.path("metadata").path("namespace").asText(""));
    return new AdmissionRequest(
        apiVersion,
        uid,
        resourceKind,
        namespace,
        name,
        operation,
        req.path("subResource").asText(""),
        dryRun,
        object.isObject() ? object : MissingNode.getInstance(),
        req.path("oldObject").isObject() ? req.get("oldObject") : MissingNode.getInstance());
  }
}
