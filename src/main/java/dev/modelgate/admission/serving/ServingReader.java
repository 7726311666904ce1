package dev.modelgate.admission.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.modelgate.core.Failure;
import dev.modelgate.core.FieldPath;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelScheme;
import dev.modelgate.source.RegistryAccess;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the readers of each serving kind share: the models and problems of one component being read,
 * the signature annotations that name a model's bundle (as on a pod template: KServe copies the
 * resource's annotations to its pods), and the registry access of the pods that will pull OCI
 * models.
 */
final class ServingReader {
  /** As {@code WorkloadInspector.SIGNATURE_PREFIX}: the pods carry the same annotation. */
  static final String SIGNATURE_PREFIX = "signature.modelgate.dev/";

  final List<ModelReference> models = new ArrayList<>();
  final List<Failure> problems = new ArrayList<>();

  /** Adds the model {@code read} returns, or the reason it cannot be read, at {@code field}. */
  void add(String field, Supplier<ModelReference> read) {
    try {
      models.add(read.get());
    } catch (InvalidInputException e) {
      problems.add(Failure.atField(e.reason(), FieldPath.of(field), e.getMessage()));
    }
  }

  /**
   * The component: signature annotations applied, OCI models read with the pods' registry access.
   */
  ServingComponent component(
      String name,
      Map<String, String> labels,
      Map<String, String> annotations,
      String annotationsField,
      RegistryAccess access) {
    List<ModelReference> out = new ArrayList<>();
    for (ModelReference m : models) {
      String sig = annotations.get(SIGNATURE_PREFIX + m.name());
      if (sig != null && m.signaturePath().isEmpty()) {
        try {
          m = m.withSignature(sig);
        } catch (InvalidInputException e) {
          problems.add(
              Failure.atField(
                  e.reason(),
                  FieldPath.of(annotationsField).key(SIGNATURE_PREFIX + m.name()),
                  e.getMessage()));
        }
      }
      out.add(m.uri().scheme() == ModelScheme.OCI ? m.withAccess(access) : m);
    }
    return new ServingComponent(name, labels, out, problems);
  }

  /**
   * The storage URI {@code n} holds, or null when it is not a string (a problem at {@code field}).
   */
  String uri(JsonNode n, String field) {
    if (n.isTextual()) {
      return n.asText();
    }
    problems.add(
        Failure.atField(
            Reason.MODEL_REFERENCE_INVALID,
            FieldPath.of(field),
            "is " + n.getNodeType() + ", not a storage URI string"));
    return null;
  }

  /**
   * The list at {@code parent.name}: empty when absent; anything else than a list is a problem at
   * {@code field} (the API server's schema refuses it, but {@code check} reads any YAML).
   */
  JsonNode array(JsonNode parent, String name, String field) {
    JsonNode n = parent.path(name);
    if (n.isArray()) {
      return n;
    }
    if (!n.isMissingNode() && !n.isNull()) {
      problems.add(
          Failure.atField(
              Reason.REQUEST_MALFORMED,
              FieldPath.of(field),
              "is " + n.getNodeType() + ", not a list"));
    }
    return MissingNode.getInstance();
  }

  /** The service account and pull secrets of a pod spec, as the kubelet pulls with them. */
  static RegistryAccess access(String namespace, JsonNode podSpec) {
    List<String> secrets = new ArrayList<>();
    podSpec.path("imagePullSecrets").forEach(s -> secrets.add(s.path("name").asText()));
    return new RegistryAccess(
        namespace, podSpec.path("serviceAccountName").asText("default"), secrets);
  }

  static Map<String, String> strings(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /** Later maps win, as KServe's utils.Union. */
  @SafeVarargs
  static Map<String, String> union(Map<String, String>... maps) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map<String, String> m : maps) {
      out.putAll(m);
    }
    return out;
  }
}
