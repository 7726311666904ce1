package dev.modelgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelgate.policy.crd.ClusterModelPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ModelGate against a real kube-apiserver (see {@link RealApiServer}): the API server itself calls
 * the webhook over TLS with the caBundle ModelGate injected; a Deployment and a Pod of the signed
 * sample are admitted, the tampered one is rejected with its reason, the policies' status and the
 * denial Event are written. Skipped, with the reason, where no kube-apiserver can start; the same
 * scenarios run on the mock server in SelfManagedCertificatesTest, SelfManagedTlsServerTest and
 * InformerPolicyStoreTest.
 */
@ExtendWith(RealApiServer.Available.class)
@QuarkusTest
@TestProfile(KubeApiServerEndToEndTest.InCluster.class)
class KubeApiServerEndToEndTest {
  public static class InCluster implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      if (RealApiServer.UNAVAILABLE.isPresent()) {
        return Map.of();
      }
      return Map.of(
          "modelgate.source", "kubernetes",
          "modelgate.allow-file-models", "true",
          "modelgate.webhook-tls.secret", "modelgate-tls",
          "modelgate.webhook-tls.namespace", RealApiServer.NS,
          "modelgate.webhook-tls.identity", "e2e",
          "modelgate.webhook-tls.check-period", "1s",
          "modelgate.webhook-tls.sync-period", "1s",
          "quarkus.http.test-ssl-port", String.valueOf(RealApiServer.PORT));
    }

    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(RealApiServer.class));
    }
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant until = Instant.now().plusSeconds(60);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(until)) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(250);
    }
  }

  static HasMetadata workload(String file) throws Exception {
    String yaml =
        Files.readString(Path.of("testdata/workloads").resolve(file))
            .replace("@MODELS@", Path.of("testdata/models").toAbsolutePath().toString());
    return RealApiServer.client
        .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
        .items()
        .get(0);
  }

  @Test
  void theApiServerCallsModelGateWhichAdmitsSignedAndRejectsTamperedModels() throws Exception {
    var k = RealApiServer.client;
    for (Path p :
        List.of(Path.of("policies/trust-roots.yaml"), Path.of("policies/testdata-models.yaml"))) {
      try (var in = Files.newInputStream(p)) {
        k.load(in).createOrReplace();
      }
    }
    await(
        "both webhook configurations carry the CA",
        () -> {
          var v =
              k.admissionRegistration()
                  .v1()
                  .validatingWebhookConfigurations()
                  .withName("modelgate")
                  .get();
          var m =
              k.admissionRegistration()
                  .v1()
                  .mutatingWebhookConfigurations()
                  .withName("modelgate")
                  .get();
          return v.getWebhooks().get(0).getClientConfig().getCaBundle() != null
              && m.getWebhooks().get(0).getClientConfig().getCaBundle() != null;
        });
    await(
        "the policy reports Ready",
        () -> {
          ClusterModelPolicy p =
              k.resources(ClusterModelPolicy.class).withName("testdata-signed-models").get();
          return p != null && p.getStatus() != null && p.getStatus().toString().contains("Ready");
        });

    Deployment signed = (Deployment) k.resource(workload("deployment-signed.yaml")).create();
    assertThat(signed.getMetadata().getUid()).isNotBlank();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("llm")
            .withNamespace(signed.getMetadata().getNamespace())
            .withAnnotations(signed.getSpec().getTemplate().getMetadata().getAnnotations())
            .endMetadata()
            .withSpec(signed.getSpec().getTemplate().getSpec())
            .build();
    assertThat(k.resource(pod).create().getMetadata().getUid()).isNotBlank();

    assertThatThrownBy(() -> k.resource(workload("deployment-tampered.yaml")).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("denied the request")
        .hasMessageContaining("DIGEST_MISMATCH");
    await(
        "a denial Event on the Deployment",
        () ->
            k.v1().events().inNamespace("inference").list().getItems().stream()
                .anyMatch(
                    e ->
                        "ModelPolicyDenied".equals(e.getReason())
                            && "llm-server-tampered".equals(e.getInvolvedObject().getName())));
  }
}
