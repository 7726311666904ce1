package dev.modelgate.admission;

import java.util.HashMap;
import java.util.Map;

/** The labels of a namespace, for namespace selectors. */
public interface NamespaceLabels {
  /**
   * The label the API server sets on every namespace, to its name, and keeps from being changed
   * (Kubernetes 1.21+, "Automatic labelling" in the Namespaces concept page): selectors on it are
   * the usual way to pick namespaces by name.
   */
  String NAME_LABEL = "kubernetes.io/metadata.name";

  /** No labels at all: only for tests of selectors that must not match. */
  NamespaceLabels NONE = namespace -> Map.of();

  /**
   * Without an API server to ask (embedded {@code serve}, {@code check}): every namespace carries
   * its name label, plus the labels of the Namespace documents given ({@code check}'s inputs); the
   * name label wins over a document's, as the API server's does.
   */
  static NamespaceLabels offline(Map<String, Map<String, String>> declared) {
    Map<String, Map<String, String>> copy = Map.copyOf(declared);
    return namespace -> {
      Map<String, String> labels = new HashMap<>(copy.getOrDefault(namespace, Map.of()));
      labels.put(NAME_LABEL, namespace);
      return Map.copyOf(labels);
    };
  }

  Map<String, String> of(String namespace);
}
