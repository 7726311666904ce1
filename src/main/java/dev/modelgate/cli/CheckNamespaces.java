package dev.modelgate.cli;

import dev.modelgate.admission.NamespaceLabels;
import dev.modelgate.cli.CheckInputs.Document;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The labels namespaces have for {@code check}, as the API server would give them: every namespace
 * its {@code kubernetes.io/metadata.name} label, and a Namespace document among the inputs its own
 * labels, for every workload wherever the document comes.
 */
final class CheckNamespaces {
  private CheckNamespaces() {}

  static NamespaceLabels of(List<Document> docs) {
    Map<String, Map<String, String>> namespaces = new LinkedHashMap<>();
    for (Document d : docs) {
      if (d.kind().equals("Namespace") && !d.name().isEmpty()) {
        Map<String, String> labels = new LinkedHashMap<>();
        d.node()
            .path("metadata")
            .path("labels")
            .fields()
            .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        namespaces.put(d.name(), labels);
      }
    }
    return NamespaceLabels.offline(namespaces);
  }
}
