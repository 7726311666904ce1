package dev.modelgate.inpod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.source.DownloadSelection;
import dev.modelgate.source.ModelReference;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Models whose downloader keeps only the files some patterns select ({@code STORAGE_ALLOW_PATTERNS}
 * of KServe's storage-initializer, as on the LLMInferenceService scheduler's tokenizer-only
 * download). Their verifier checks the part downloaded, which it can only do with the signature in
 * hand: /mutate adds the signature file to the downloader's patterns ({@link #widened}, {@link
 * #withPatterns}), and /validate requires that on a new pod (SIGNATURE_NOT_DOWNLOADED). The
 * verifier then carries exactly the downloader's patterns.
 */
final class PartialDownloads {
  /** The bundle a verifier reads when the workload names none. */
  static final String DEFAULT_SIGNATURE = "model.sig";

  private PartialDownloads() {}

  /** The signature file of {@code m}, relative to its model directory (= the download root). */
  static String signatureFile(ModelReference m) {
    return m.signaturePath().isEmpty() ? DEFAULT_SIGNATURE : m.signaturePath();
  }

  /**
   * Why {@code m}'s restricted download leaves its verifier without a signature: on a new pod when
   * the patterns do not select it; at /mutate only when no pattern could be added that selects it.
   */
  static List<Failure> check(ModelReference m, boolean mutating) {
    Optional<DownloadSelection> s = m.placement().selection();
    if (s.isEmpty()) {
      return List.of();
    }
    String sig = signatureFile(m);
    if (s.get().selects(sig) || mutating && s.get().including(sig).isPresent()) {
      return List.of();
    }
    return List.of(
        Failure.of(
            Reason.SIGNATURE_NOT_DOWNLOADED,
            "init container '%s' downloads only what %s %s selects, which leaves out the signature file '%s' of model '%s' (%s), so nothing could verify the download; %s",
            s.get().container(),
            DownloadSelection.VARIABLE,
            s.get().patterns(),
            sig,
            m.name(),
            m.uri(),
            mutating
                ? "no pattern can name that file for this downloader"
                : "/mutate adds it to the patterns (is the /mutate webhook installed?)"));
  }

  /**
   * For each downloading container, its selection once every model it downloads has its signature
   * file selected (only the containers whose selection this widens, or that any model has).
   */
  static Map<String, DownloadSelection> widened(Collection<ModelReference> models) {
    Map<String, DownloadSelection> out = new LinkedHashMap<>();
    for (ModelReference m : models) {
      Optional<DownloadSelection> s = m.placement().selection();
      if (s.isEmpty()) {
        continue;
      }
      DownloadSelection now = out.getOrDefault(s.get().container(), s.get());
      out.put(s.get().container(), now.including(signatureFile(m)).orElse(now));
    }
    return out;
  }

  /** {@code m} as its verifier sees it once its downloader's patterns are {@code widened}. */
  static ModelReference withWidened(ModelReference m, Map<String, DownloadSelection> widened) {
    Optional<DownloadSelection> s = m.placement().selection();
    if (s.isEmpty() || !widened.containsKey(s.get().container())) {
      return m;
    }
    return m.withPlacement(m.placement().withSelection(widened.get(s.get().container())));
  }

  /**
   * {@code container} (a copy) with the last {@code STORAGE_ALLOW_PATTERNS} entry of its env, the
   * one the kubelet uses, set to {@code s}'s patterns; {@code container} itself when that is what
   * it already says.
   */
  static JsonNode withPatterns(JsonNode container, DownloadSelection s) {
    JsonNode env = container.path("env");
    int at = -1;
    for (int k = 0; k < env.size(); k++) {
      if (DownloadSelection.VARIABLE.equals(env.get(k).path("name").asText())) {
        at = k;
      }
    }
    if (at < 0 || !env.get(at).path("value").isTextual()) {
      return container;
    }
    List<String> current = DownloadSelection.parseKServeValue(env.get(at).path("value").asText());
    if (current.equals(s.patterns())) {
      return container;
    }
    ObjectNode copy = container.deepCopy();
    ((ObjectNode) ((ArrayNode) copy.get("env")).get(at)).put("value", s.envValue());
    return copy;
  }
}
