package dev.modelgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.modelgate.admission.AdmissionRequest;
import dev.modelgate.admission.AdmissionReviewParser;
import dev.modelgate.admission.AdmissionService;
import dev.modelgate.admission.NamespaceLabels;
import dev.modelgate.admission.WorkloadInspector;
import dev.modelgate.cli.CheckInputs.Document;
import dev.modelgate.cli.CheckResult.Entry;
import dev.modelgate.inpod.VerifiedClaims;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The reviews {@code check} asks of the admission service: an AdmissionReview as it is, a workload
 * as the CREATE request the API server would send, and any other document noted as not reviewed by
 * the webhook (with why), never as denied.
 */
final class CheckReviews {
  /** Kinds that never run a pod: "its pods are" reviewed would be wrong for them. */
  private static final Set<String> PODLESS_KINDS =
      Set.of(
          "ConfigMap",
          "Secret",
          "Service",
          "ServiceAccount",
          "Role",
          "RoleBinding",
          "ClusterRole",
          "ClusterRoleBinding",
          "PersistentVolumeClaim",
          "PersistentVolume",
          "Ingress",
          "NetworkPolicy",
          "StorageClass",
          "CustomResourceDefinition",
          "HorizontalPodAutoscaler",
          "PodDisruptionBudget",
          "LimitRange",
          "ResourceQuota",
          "Endpoints",
          "EndpointSlice",
          "ClusterModelPolicy",
          "ModelPolicy",
          "ModelTrustRoot",
          "ValidatingWebhookConfiguration",
          "MutatingWebhookConfiguration");

  private CheckReviews() {}

  /** Each document in order: a namespace note, a skipped document, or the webhook's answer. */
  static List<Entry> review(
      List<Document> docs,
      NamespaceLabels namespaces,
      AdmissionService service,
      Supplier<Instant> deadline) {
    List<Entry> entries = new ArrayList<>();
    int index = 0;
    for (Document d : docs) {
      if (d.kind().equals("Namespace")) {
        entries.add(new CheckResult.NamespaceNote(d.source(), d.name(), namespaces.of(d.name())));
        continue;
      }
      AdmissionRequest r = request(d, index++);
      if (!d.kind().equals("AdmissionReview") && !WorkloadInspector.reviews(d.kind(), d.node())) {
        String why =
            "not reviewed by the webhook "
                + (PODLESS_KINDS.contains(r.kind()) ? "(it runs no pods)" : "(its pods are)");
        entries.add(new CheckResult.Skipped(d.source(), r, why));
        continue;
      }
      // As the API server would: /mutate's patch applies first, so volume models count as injected.
      entries.add(new CheckResult.Reviewed(d.source(), r, service.review(r, deadline.get(), true)));
    }
    return entries;
  }

  /**
   * The claims the workloads of the input verify models on, by namespace: what the cluster's pods
   * would say to the claim-writer rule, so a file with a model's Deployment and a Job writing its
   * claim gets the answer the cluster would give the Job. A document that cannot be read is left to
   * its review, which says why.
   */
  static VerifiedClaims verifiedClaims(List<Document> docs) {
    WorkloadInspector inspector = new WorkloadInspector();
    Map<String, List<VerifiedClaims.ClaimModel>> byNamespace = new HashMap<>();
    int index = 0;
    for (Document d : docs) {
      if (d.kind().equals("Namespace")) {
        continue;
      }
      try {
        AdmissionRequest r = request(d, index++);
        byNamespace
            .computeIfAbsent(r.namespace(), ns -> new ArrayList<>())
            .addAll(inspector.claimModels(r.kind(), r.namespace(), r.name(), r.object()));
      } catch (RuntimeException e) {
        // Not a workload this can read: its review reports it.
      }
    }
    return namespace -> byNamespace.getOrDefault(namespace, List.of());
  }

  /**
   * An AdmissionReview as is; a workload as a CREATE request in its namespace (default "default").
   */
  private static AdmissionRequest request(Document d, int index) {
    JsonNode n = d.node();
    if (d.kind().equals("AdmissionReview")) {
      return new AdmissionReviewParser().parse(n.toString().getBytes(StandardCharsets.UTF_8));
    }
    JsonNode meta = n.path("metadata");
    return new AdmissionRequest(
        "admission.k8s.io/v1",
        "check-" + index,
        n.path("kind").asText(),
        meta.path("namespace").asText("default"),
        meta.path("name").asText(meta.path("generateName").asText("")),
        "CREATE",
        "",
        true,
        n,
        MissingNode.getInstance());
  }
}
