package dev.modelgate.e2e;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real kube-apiserver and etcd (fabric8 kube-api-test) with deploy/ installed: the CRDs, RBAC,
 * the empty TLS Secret and Lease and both webhook configurations; the Service becomes an
 * ExternalName for localhost on ModelGate's test port, so the API server calls the ModelGate
 * running in this JVM by the Service name its certificate is for.
 *
 * <p>kube-api-test downloads its binaries on first use; this project's machines have no internet
 * for that, so the test runs only where they are already installed (in {@code
 * $KUBE_API_TEST_DIR/k8s/<version>/} or {@code ~/.kubeapitest/k8s/<version>/}), or when {@code
 * -Dmodelgate.kubeApiTest.download=true} allows the download.
 */
public final class RealApiServer implements QuarkusTestResourceLifecycleManager {
  /** Disables the test class, with the reason, before Quarkus boots for it. */
  public static final class Available implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return UNAVAILABLE
          .map(
              why -> ConditionEvaluationResult.disabled("real kube-apiserver test skipped: " + why))
          .orElse(ConditionEvaluationResult.enabled("kube-apiserver and etcd are available"));
    }
  }

  static final String NS = "modelgate-system";
  static final int PORT = freePort();
  static final boolean DOWNLOAD = Boolean.getBoolean("modelgate.kubeApiTest.download");
  static final Optional<String> UNAVAILABLE = unavailable();
  static volatile KubernetesClient client;
  private KubeAPIServer server;

  /** Why the real API server cannot start here, or empty when it can. */
  static Optional<String> unavailable() {
    if (DOWNLOAD) {
      return Optional.empty();
    }
    String dir =
        Optional.ofNullable(System.getenv(KubeAPIServerConfigBuilder.KUBE_API_TEST_DIR))
            .orElse(
                new File(System.getProperty("user.home"), KubeAPIServerConfigBuilder.DIRECTORY_NAME)
                    .getPath());
    Path k8s = Path.of(dir, "k8s");
    if (Files.isDirectory(k8s)) {
      try (Stream<Path> versions = Files.list(k8s)) {
        if (versions.anyMatch(
            v ->
                Files.isExecutable(v.resolve("kube-apiserver"))
                    && Files.isExecutable(v.resolve("etcd")))) {
          return Optional.empty();
        }
      } catch (IOException e) {
        return Optional.of("cannot list " + k8s + ": " + e.getMessage());
      }
    }
    return Optional.of(
        "no kube-apiserver and etcd binaries in "
            + k8s
            + " (kube-api-test would download them, and this machine has no internet"
            + " access for that); install them there or run with -Dmodelgate.kubeApiTest.download=true where downloads work");
  }

  @Override
  public Map<String, String> start() {
    if (UNAVAILABLE.isPresent()) {
      return Map.of();
    }
    server =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withOfflineMode(!DOWNLOAD)
                .withUpdateKubeConfig(false)
                .build());
    server.start();
    Config config = Config.fromKubeconfig(server.getKubeConfigYaml());
    client = new KubernetesClientBuilder().withConfig(config).build();
    try {
      install();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot install deploy/ into the test API server: " + e.getMessage(), e);
    }
    Map<String, String> props = new HashMap<>();
    props.put("quarkus.kubernetes-client.api-server-url", config.getMasterUrl());
    props.put("quarkus.kubernetes-client.ca-cert-data", config.getCaCertData());
    props.put("quarkus.kubernetes-client.client-cert-data", config.getClientCertData());
    props.put("quarkus.kubernetes-client.client-key-data", config.getClientKeyData());
    return props;
  }

  private void install() throws IOException {
    try (Stream<Path> crds = Files.list(Path.of("deploy/crds"))) {
      for (Path crd : crds.sorted().toList()) {
        try (var in = Files.newInputStream(crd)) {
          client.load(in).createOrReplace();
        }
      }
    }
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("inference").endMetadata().build())
        .createOr(r -> r.update());
    try (var in = new FileInputStream("deploy/modelgate.yaml")) {
      for (HasMetadata o : client.load(in).items()) {
        if (o instanceof Deployment) {
          continue; // ModelGate runs in this JVM instead.
        }
        if (o instanceof Service) {
          o =
              new ServiceBuilder()
                  .withNewMetadata()
                  .withName("modelgate")
                  .withNamespace(NS)
                  .endMetadata()
                  .withNewSpec()
                  .withType("ExternalName")
                  .withExternalName("localhost")
                  .addNewPort()
                  .withName("https")
                  .withPort(PORT)
                  .endPort()
                  .endSpec()
                  .build();
        }
        client.resource(o).createOr(r -> r.update());
      }
    }
    // The webhooks call the Service on its port (the test port), not 443.
    client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .withName("modelgate")
        .edit(
            v -> {
              v.getWebhooks().forEach(w -> w.getClientConfig().getService().setPort(PORT));
              return v;
            });
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .withName("modelgate")
        .edit(
            m -> {
              m.getWebhooks().forEach(w -> w.getClientConfig().getService().setPort(PORT));
              return m;
            });
  }

  @Override
  public void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
