package dev.modelgate.admission;

import dev.modelgate.admission.serving.ServingInspector;
import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.source.OciVolumes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON patch (RFC 6902) that pins verified OCI models from tags to the digests that were
 * verified, so the kubelet pulls exactly those bytes. Image fields get {@code ref@sha256:…};
 * annotations keep their {@code oci://} prefix. Every field naming the model is pinned (a modelcar
 * and its {@code modelcar-init} pull the same digest). KServe's internal annotation is left alone.
 */
final class DigestPins {
  private DigestPins() {}

  static List<Map<String, Object>> patch(List<ModelVerdict> verdicts) {
    Map<String, Object> byPath = new LinkedHashMap<>();
    for (ModelVerdict v : verdicts) {
      List<String> fields = new ArrayList<>(List.of(v.model().field()));
      fields.addAll(v.model().alsoNamedAt());
      if (v.pinned().isEmpty()) {
        continue;
      }
      String pinned = v.pinned().get();
      for (String field : fields) {
        if (field.contains(WorkloadInspector.KSERVE_SOURCE_URI)
            || ServingInspector.namesStorageUri(field)) {
          // KServe's internal annotation is its own; a serving resource's storage URI is pinned
          // by ServingReview with the scheme as written.
          continue;
        }
        boolean annotation = field.contains("annotations[");
        // The ModelPack CSI driver fetches by the tag when one is there: only a digest-only
        // reference names the verified manifest to it (OciVolumes.digestOnly).
        byPath.put(
            pointer(field),
            annotation
                ? "oci://" + pinned
                : field.contains(".csi.volumeAttributes[")
                    ? OciVolumes.digestOnly(pinned)
                    : pinned);
      }
    }
    return replacing(byPath);
  }

  /** One {@code replace} operation per path, in order. */
  static List<Map<String, Object>> replacing(Map<String, ?> byPath) {
    List<Map<String, Object>> ops = new ArrayList<>();
    byPath.forEach(
        (path, value) -> {
          Map<String, Object> op = new LinkedHashMap<>();
          op.put("op", "replace");
          op.put("path", path);
          op.put("value", value);
          ops.add(op);
        });
    return ops;
  }

  /**
   * {@code spec.template.metadata.annotations[a.b/c]} to {@code
   * /spec/template/metadata/annotations/a.b~1c}.
   */
  static String pointer(String field) {
    StringBuilder out = new StringBuilder();
    StringBuilder seg = new StringBuilder();
    int depth = 0;
    for (char c : field.toCharArray()) {
      if (c == '[') {
        flush(out, seg);
        depth++;
      } else if (c == ']') {
        flush(out, seg);
        depth--;
      } else if (c == '.' && depth == 0) {
        flush(out, seg);
      } else {
        seg.append(c);
      }
    }
    flush(out, seg);
    return out.toString();
  }

  private static void flush(StringBuilder out, StringBuilder seg) {
    if (seg.length() > 0) {
      out.append('/').append(seg.toString().replace("~", "~0").replace("/", "~1"));
      seg.setLength(0);
    }
  }
}
