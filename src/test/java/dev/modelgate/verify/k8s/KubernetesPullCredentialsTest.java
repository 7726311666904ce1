package dev.modelgate.verify.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.oci.RegistryCredentials;
import dev.modelgate.source.RegistryAccess;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pull secrets of the pod and of its service account become registry credentials (CRUD mock
 * server).
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesPullCredentialsTest {
  KubernetesClient client;

  private void secret(String ns, String name, String host, String user, String pass) {
    String auth =
        Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
    String config = "{\"auths\": {\"" + host + "\": {\"auth\": \"" + auth + "\"}}}";
    client
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToData(
                    ".dockerconfigjson",
                    Base64.getEncoder().encodeToString(config.getBytes(StandardCharsets.UTF_8)))
                .build())
        .create();
  }

  @Test
  void podAndServiceAccountSecretsAreReadInTheWorkloadsNamespaceOnly() {
    secret("ml", "pod-creds", "registry.a.example", "alice", "pa");
    secret("ml", "sa-creds", "registry.b.example", "bot", "pb");
    secret("other", "pod-creds", "registry.a.example", "mallory", "px");
    client
        .serviceAccounts()
        .inNamespace("ml")
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("inference")
                .withNamespace("ml")
                .endMetadata()
                .addNewImagePullSecret("sa-creds")
                .build())
        .create();

    RegistryCredentials c =
        new KubernetesPullCredentials(client)
            .resolve(new RegistryAccess("ml", "inference", List.of("pod-creds", "missing")));

    assertThat(c.basicAuth("registry.a.example"))
        .contains(
            "Basic "
                + Base64.getEncoder().encodeToString("alice:pa".getBytes(StandardCharsets.UTF_8)));
    assertThat(c.basicAuth("registry.b.example"))
        .contains(
            "Basic "
                + Base64.getEncoder().encodeToString("bot:pb".getBytes(StandardCharsets.UTF_8)));
    assertThat(c.basicAuth("registry.c.example")).isEmpty();
  }

  @Test
  void credentialsAreReusedWithinTheTtlAndReadAgainAfterIt() {
    secret("ml", "pod-creds", "registry.a.example", "alice", "pa");
    RegistryAccess access = new RegistryAccess("ml", "default", List.of("pod-creds"));
    KubernetesPullCredentials remembering =
        new KubernetesPullCredentials(client, Duration.ofMinutes(5));
    KubernetesPullCredentials always = new KubernetesPullCredentials(client, Duration.ZERO);
    remembering.resolve(access);
    always.resolve(access);

    client.secrets().inNamespace("ml").withName("pod-creds").delete();

    assertThat(remembering.resolve(access).basicAuth("registry.a.example"))
        .as("within the TTL, no API read")
        .isPresent();
    assertThat(always.resolve(access).basicAuth("registry.a.example"))
        .as("after the TTL, the deletion is seen")
        .isEmpty();
  }
}
