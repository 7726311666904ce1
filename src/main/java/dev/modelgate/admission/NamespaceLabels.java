package dev.modelgate.admission;

import java.util.Map;

/** The labels of a namespace, for namespace selectors. Embedded mode knows none. */
public interface NamespaceLabels {
  NamespaceLabels NONE = namespace -> Map.of();

  Map<String, String> of(String namespace);
}
