package dev.modelgate.bom.k8s;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.UnavailableException;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cluster BOM reads with the user's own access: what the API server refuses is said, with the
 * way out (name namespaces you may read), never turned into an empty BOM; a cluster without the
 * PolicyReport CRDs is said to have recorded nothing; an API server error is "could not decide".
 */
@EnableKubernetesMockClient
class ClusterReportsAccessTest {
  static final String ALL =
      "/apis/wgpolicyk8s.io/v1alpha2/policyreports?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dmodelgate";
  KubernetesMockServer server;
  KubernetesClient client;

  private void answer(String path, int code) {
    server
        .expect()
        .get()
        .withPath(path)
        .andReturn(
            code,
            new StatusBuilder()
                .withCode(code)
                .withStatus("Failure")
                .withMessage("policyreports is forbidden: User \"reader\" cannot list resource")
                .build())
        .once();
  }

  @Test
  void forbiddenListingSaysSoAndSuggestsNamespaces() {
    answer(ALL, 403);

    assertThatThrownBy(() -> ClusterReports.read(client, List.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(
            "not allowed to read policyreports.wgpolicyk8s.io in all namespaces (HTTP 403)")
        .hasMessageContaining("--namespace");
  }

  @Test
  void forbiddenNamespaceSaysWhich() {
    answer("/apis/wgpolicyk8s.io/v1alpha2/namespaces/secret/policyreports/modelgate", 403);

    assertThatThrownBy(() -> ClusterReports.read(client, List.of("secret")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("in [secret] (HTTP 403)");
  }

  @Test
  void missingCrdsMeanNothingWasRecorded() {
    answer(ALL, 404);

    assertThatThrownBy(() -> ClusterReports.read(client, List.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("the PolicyReport CRDs are not installed");
  }

  @Test
  void serverErrorCannotDecide() {
    server
        .expect()
        .get()
        .withPath(ALL)
        .andReturn(500, new StatusBuilder().withCode(500).withMessage("etcd timeout").build())
        .always();
    // As bom --cluster builds its client: few retries, so an error is said in seconds.
    KubernetesClient cli =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(client.getConfiguration())
                    .withRequestRetryBackoffLimit(ClusterReports.RETRIES)
                    .build())
            .build();

    assertThatThrownBy(() -> ClusterReports.read(cli, List.of()))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("the API server did not answer");
  }
}
