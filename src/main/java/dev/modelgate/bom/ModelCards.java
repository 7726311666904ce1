package dev.modelgate.bom;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.verify.VerifiedAttestation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.component.ModelCard;
import org.cyclonedx.model.component.modelCard.PerformanceMetric;
import org.cyclonedx.model.component.modelCard.QuantitativeAnalysis;

/**
 * Maps what verified attestations say about a model onto CycloneDX model card fields, where the
 * card has one: a predicate's {@code metrics} (an object of named scores, as {@code
 * predicate.metrics.accuracy} in policy conditions, or a list of {@code {type, value, slice,
 * confidenceInterval}}) become {@code quantitativeAnalysis.performanceMetrics}. Each metric is
 * marked, in the card's properties, with the identity that attested it and the attestation's bundle
 * digest. Attestations that did not verify contribute nothing; values that are not scalars are left
 * out.
 */
final class ModelCards {
  /** Most metrics taken from one model's attestations: a card is a summary, not a dump. */
  static final int MAX_METRICS = 512;

  private ModelCards() {}

  static Optional<ModelCard> of(List<VerifiedAttestation> attestations) {
    List<PerformanceMetric> metrics = new ArrayList<>();
    List<Property> marks = new ArrayList<>();
    for (VerifiedAttestation a : attestations) {
      if (!a.verified() || a.statement().isEmpty()) {
        continue;
      }
      JsonNode m = a.statement().get().predicate().path("metrics");
      for (PerformanceMetric p : metrics(m)) {
        if (metrics.size() >= MAX_METRICS) {
          break;
        }
        String at = BomProperties.NS + "performanceMetrics[" + metrics.size() + "]:";
        metrics.add(p);
        BomProperties.add(marks, at + "attestedBy", a.signer().map(s -> s.identity()).orElse("?"));
        BomProperties.add(marks, at + "attestation", a.bundleDigest());
        BomProperties.add(marks, at + "predicateType", a.predicateType().orElse(""));
      }
    }
    if (metrics.isEmpty()) {
      return Optional.empty();
    }
    QuantitativeAnalysis qa = new QuantitativeAnalysis();
    qa.setPerformanceMetrics(metrics);
    ModelCard card = new ModelCard();
    card.setQuantitativeAnalysis(qa);
    card.setProperties(marks);
    return Optional.of(card);
  }

  private static List<PerformanceMetric> metrics(JsonNode m) {
    List<PerformanceMetric> out = new ArrayList<>();
    if (m.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isValueNode() && !e.getValue().isNull()) {
          out.add(metric(e.getKey(), e.getValue().asText(), "", null));
        }
      }
    } else if (m.isArray()) {
      for (JsonNode item : m) {
        JsonNode type = item.has("type") ? item.path("type") : item.path("name");
        JsonNode value = item.path("value");
        if (!type.isTextual() || !value.isValueNode() || value.isNull()) {
          continue;
        }
        out.add(
            metric(
                type.asText(),
                value.asText(),
                item.path("slice").isTextual() ? item.path("slice").asText() : "",
                item.path("confidenceInterval")));
      }
    }
    return out;
  }

  private static PerformanceMetric metric(
      String type, String value, String slice, JsonNode interval) {
    PerformanceMetric p = new PerformanceMetric();
    p.setType(type);
    p.setValue(value);
    if (!slice.isEmpty()) {
      p.setSlice(slice);
    }
    if (interval != null
        && interval.path("lowerBound").isValueNode()
        && interval.path("upperBound").isValueNode()
        && !interval.path("lowerBound").isMissingNode()
        && !interval.path("upperBound").isMissingNode()) {
      PerformanceMetric.ConfidenceInterval ci = new PerformanceMetric.ConfidenceInterval();
      ci.setLowerBound(interval.path("lowerBound").asText());
      ci.setUpperBound(interval.path("upperBound").asText());
      p.setConfidenceInterval(ci);
    }
    return p;
  }
}
