package dev.modelgate.bom.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.bom.ClusterBom;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.core.UnavailableException;
import dev.modelgate.report.PolicyReportJson;
import dev.modelgate.report.PolicyReportResult;
import dev.modelgate.report.PolicyReports;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads ModelGate's PolicyReports ({@code wgpolicyk8s.io/v1alpha2}, named {@value
 * PolicyReports#NAME}, labelled as ModelGate labels them) with the caller's kubeconfig, so the API
 * server's RBAC on the reports decides what the cluster BOM can contain: no access of ModelGate's
 * own is used. All namespaces (one list call, which needs {@code list} on policyreports cluster
 * wide), or the namespaces named (one get each). A report that cannot be parsed is an error, not
 * silently left out.
 */
public final class ClusterReports {
  static final ResourceDefinitionContext REPORTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("wgpolicyk8s.io")
          .withVersion("v1alpha2")
          .withKind("PolicyReport")
          .withPlural("policyreports")
          .withNamespaced(true)
          .build();

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Retries of a failed request: fabric8's default (10, backing off from 100 ms) keeps a user
   * waiting about 100 s for an API server that answers 500; two is kubectl-like patience.
   */
  static final int RETRIES = 2;

  private ClusterReports() {}

  /**
   * Reads with the kubeconfig at {@code kubeconfig} (else {@code $KUBECONFIG} or {@code
   * ~/.kube/config}, as kubectl), in {@code context} when given.
   */
  public static ClusterBom.Read read(
      Optional<Path> kubeconfig, Optional<String> context, List<String> namespaces) {
    if (kubeconfig.isPresent() && !Files.isReadable(kubeconfig.get())) {
      throw new InvalidInputException(
          Reason.NOT_FOUND, "kubeconfig " + kubeconfig.get() + " does not exist or cannot be read");
    }
    Config config;
    try {
      // fromKubeconfig(context, File) takes the file as it is; the deprecated (context, contents,
      // path) form lets JVM properties such as kubernetes.master override the file's server.
      config =
          kubeconfig.isPresent()
              ? Config.fromKubeconfig(context.orElse(null), kubeconfig.get().toFile())
              : Config.autoConfigure(context.orElse(null));
    } catch (KubernetesClientException | IllegalArgumentException e) {
      throw new InvalidInputException(
          Reason.REQUEST_MALFORMED, "kubeconfig cannot be used: " + e.getMessage());
    }
    config.setRequestRetryBackoffLimit(RETRIES);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      return read(client, namespaces);
    }
  }

  /** Reads with {@code client}: every namespace's report, or those of {@code namespaces}. */
  public static ClusterBom.Read read(KubernetesClient client, List<String> namespaces) {
    List<GenericKubernetesResource> found = new ArrayList<>();
    List<String> read = new ArrayList<>();
    try {
      if (namespaces.isEmpty()) {
        for (GenericKubernetesResource r :
            client
                .genericKubernetesResources(REPORTS)
                .inAnyNamespace()
                .withLabels(PolicyReports.LABELS)
                .list()
                .getItems()) {
          if (PolicyReports.NAME.equals(r.getMetadata().getName())) {
            found.add(r);
            read.add(r.getMetadata().getNamespace());
          }
        }
      } else {
        for (String ns : namespaces) {
          GenericKubernetesResource r =
              client
                  .genericKubernetesResources(REPORTS)
                  .inNamespace(ns)
                  .withName(PolicyReports.NAME)
                  .get();
          if (r != null) {
            found.add(r);
          }
          read.add(ns);
        }
      }
    } catch (KubernetesClientException e) {
      throw failure(e, namespaces);
    }
    List<PolicyReportResult> results = new ArrayList<>();
    for (GenericKubernetesResource r : found) {
      results.addAll(parse(client, r).results());
    }
    return new ClusterBom.Read(results, read, found.size());
  }

  private static dev.modelgate.report.PolicyReport parse(
      KubernetesClient client, GenericKubernetesResource r) {
    try {
      JsonNode tree = JSON.readTree(client.getKubernetesSerialization().asJson(r));
      return PolicyReportJson.parse(tree);
    } catch (IOException | InvalidInputException e) {
      throw new InvalidInputException(
          Reason.REQUEST_MALFORMED,
          "PolicyReport "
              + r.getMetadata().getNamespace()
              + "/"
              + r.getMetadata().getName()
              + " cannot be read: "
              + e.getMessage());
    }
  }

  /** Forbidden and not found are the reader's to fix; anything else is the API not answering. */
  private static RuntimeException failure(KubernetesClientException e, List<String> namespaces) {
    String where = namespaces.isEmpty() ? "in all namespaces" : "in " + namespaces;
    if (e.getCode() == 401 || e.getCode() == 403) {
      return new InvalidInputException(
          Reason.NOT_FOUND,
          "not allowed to read policyreports.wgpolicyk8s.io "
              + where
              + " (HTTP "
              + e.getCode()
              + "); the cluster BOM shows only what your RBAC lets you read: name namespaces you may read with --namespace");
    }
    if (e.getCode() == 404) {
      return new InvalidInputException(
          Reason.NOT_FOUND,
          "the API server has no policyreports.wgpolicyk8s.io/v1alpha2: the PolicyReport CRDs are not installed, so ModelGate has recorded nothing (docs/reports.md)");
    }
    return new UnavailableException(
        "the API server did not answer listing policyreports " + where + ": " + e.getMessage(), e);
  }
}
