package dev.modelgate.scan.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.scan.RunningPod;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

/**
 * The background scan lists pods in pages of {@value ClusterPods#PAGE}, following the API server's
 * continue token (Kubernetes API concepts, "Retrieving large results sets in chunks"), so a large
 * cluster's pods are never one response.
 */
@EnableKubernetesMockClient
class ClusterPodsPagingTest {
  KubernetesMockServer server;
  KubernetesClient client;

  private static Pod pod(String name, String phase) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("ml")
        .withUid("uid-" + name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("server")
        .withImage("vllm")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase(phase)
        .endStatus()
        .build();
  }

  @Test
  void everyPageIsReadAndOnlyRunningPodsAreKept() {
    server
        .expect()
        .get()
        .withPath("/api/v1/pods?limit=500")
        .andReturn(
            200,
            new PodListBuilder()
                .withNewMetadata()
                .withContinue("page-2")
                .endMetadata()
                .withItems(pod("a", "Running"), pod("b", "Pending"))
                .build())
        .once();
    server
        .expect()
        .get()
        .withPath("/api/v1/pods?continue=page-2&limit=500")
        .andReturn(
            200,
            new PodListBuilder()
                .withNewMetadata()
                .endMetadata()
                .withItems(pod("c", "Running"))
                .build())
        .once();

    assertThat(new ClusterPods(client).runningPods())
        .extracting(RunningPod::name)
        .containsExactly("a", "c");
  }
}
