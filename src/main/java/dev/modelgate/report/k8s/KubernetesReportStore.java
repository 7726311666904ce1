package dev.modelgate.report.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.report.PolicyReport;
import dev.modelgate.report.PolicyReportJson;
import dev.modelgate.report.PolicyReports;
import dev.modelgate.report.ReportStore;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes ModelGate's reports ({@link PolicyReports#NAME} in each namespace, and the
 * ClusterPolicyReport of that name) as generic resources, so nothing asks API discovery for the
 * kinds first. A 404 on create means the API has no such resource (the CRD is absent); 409 on
 * create or update, or 404 on update (deleted meanwhile), means the report moved: the writer reads
 * it again.
 */
public final class KubernetesReportStore implements ReportStore {
  private static final Logger log = LoggerFactory.getLogger(KubernetesReportStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  static final ResourceDefinitionContext NAMESPACED = context(PolicyReport.Kind.POLICY_REPORT);
  static final ResourceDefinitionContext CLUSTER = context(PolicyReport.Kind.CLUSTER_POLICY_REPORT);

  private final KubernetesClient client;

  public KubernetesReportStore(KubernetesClient client) {
    this.client = client;
  }

  private static ResourceDefinitionContext context(PolicyReport.Kind kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("wgpolicyk8s.io")
        .withVersion("v1alpha2")
        .withKind(kind.wire())
        .withPlural(kind.plural())
        .withNamespaced(kind.namespaced())
        .build();
  }

  private Resource<GenericKubernetesResource> resource(String namespace) {
    return namespace.isEmpty()
        ? client.genericKubernetesResources(CLUSTER).withName(PolicyReports.NAME)
        : client
            .genericKubernetesResources(NAMESPACED)
            .inNamespace(namespace)
            .withName(PolicyReports.NAME);
  }

  @Override
  public Optional<Stored> read(String namespace) {
    GenericKubernetesResource found = resource(namespace).get();
    if (found == null) {
      return Optional.empty();
    }
    String version = found.getMetadata().getResourceVersion();
    try {
      JsonNode tree = JSON.readTree(client.getKubernetesSerialization().asJson(found));
      return Optional.of(
          new Stored(PolicyReportJson.parse(tree).results(), version == null ? "" : version));
    } catch (InvalidInputException e) {
      log.warn(
          "policy report {} in {} cannot be read and will be replaced: {}",
          PolicyReports.NAME,
          namespace.isEmpty() ? "the cluster" : "namespace " + namespace,
          e.getMessage());
      return Optional.of(new Stored(List.of(), version == null ? "" : version));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Write write(PolicyReport report, Optional<String> resourceVersion) {
    GenericKubernetesResource g =
        client
            .getKubernetesSerialization()
            .unmarshal(PolicyReportJson.toJson(report), GenericKubernetesResource.class);
    resourceVersion.ifPresent(v -> g.getMetadata().setResourceVersion(v));
    var api =
        report.kind().namespaced()
            ? client
                .genericKubernetesResources(NAMESPACED)
                .inNamespace(report.namespace())
                .resource(g)
            : client.genericKubernetesResources(CLUSTER).resource(g);
    try {
      if (resourceVersion.isEmpty()) {
        api.create();
      } else {
        api.update();
      }
      return Write.WRITTEN;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return Write.CONFLICT;
      }
      if (e.getCode() == 404) {
        return resourceVersion.isEmpty() ? Write.NO_CRD : Write.CONFLICT;
      }
      throw e;
    }
  }

  @Override
  public List<String> namespaces() {
    List<String> out = new ArrayList<>();
    try {
      for (GenericKubernetesResource r :
          client
              .genericKubernetesResources(NAMESPACED)
              .inAnyNamespace()
              .withLabels(PolicyReports.LABELS)
              .list()
              .getItems()) {
        if (PolicyReports.NAME.equals(r.getMetadata().getName())) {
          out.add(r.getMetadata().getNamespace());
        }
      }
      if (resource("").get() != null) {
        out.add("");
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return List.of();
      }
      throw e;
    }
    return out;
  }
}
