package dev.modelgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** charts/modelgate passes real `helm lint`, and `helm template` renders what a cluster needs. */
class HelmChartTest {
  static final Path CHART = Path.of("charts/modelgate");

  static List<JsonNode> render(Helm helm, String... sets) throws Exception {
    var t = helm.template().withName("gate").withNamespace("modelgate-system");
    for (int i = 0; i < sets.length; i += 2) {
      t = t.set(sets[i], sets[i + 1]);
    }
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        new YAMLMapper().readerFor(JsonNode.class).readValues(t.call())) {
      while (it.hasNextValue()) {
        JsonNode n = it.nextValue();
        if (n != null && n.isObject()) {
          docs.add(n);
        }
      }
    }
    return docs;
  }

  static Optional<JsonNode> kind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).findFirst();
  }

  static Optional<JsonNode> named(List<JsonNode> docs, String kind, String name) {
    return docs.stream()
        .filter(d -> d.path("kind").asText().equals(kind))
        .filter(d -> d.at("/metadata/name").asText().equals(name))
        .findFirst();
  }

  @Test
  void chartLintsClean() {
    LintResult r = new Helm(CHART).lint().strict().call();

    assertThat(r.isFailed()).as(String.join("\n", r.getMessages())).isFalse();
  }

  @Test
  void templateRendersTheWebhookInClusterMode() throws Exception {
    List<JsonNode> docs = render(new Helm(CHART));

    JsonNode deployment = kind(docs, "Deployment").orElseThrow();
    assertThat(deployment.at("/spec/template/spec/containers/0/args").toString())
        .contains("\"serve\"", "\"--source\"", "\"kubernetes\"", "\"--no-match\"", "\"deny\"");
    assertThat(deployment.at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo("ghcr.io/modelgate/modelgate:0.1.0");
    assertThat(
            kind(docs, "ValidatingWebhookConfiguration")
                .orElseThrow()
                .at("/webhooks/0/clientConfig/service/path")
                .asText())
        .isEqualTo("/validate");
    JsonNode mutating = kind(docs, "MutatingWebhookConfiguration").orElseThrow();
    assertThat(mutating.at("/webhooks/0/clientConfig/service/path").asText()).isEqualTo("/mutate");
    assertThat(mutating.at("/webhooks/0/namespaceSelector/matchExpressions/0/values").toString())
        .contains("kube-system", "modelgate-system");
    assertThat(kind(docs, "ClusterRole").orElseThrow().toString())
        .contains("clustermodelpolicies", "secrets", "events");
    assertThat(kind(docs, "Service")).isPresent();
    assertThat(
            kind(docs, "ValidatingWebhookConfiguration")
                .orElseThrow()
                .at("/webhooks/0/rules/0/resources")
                .toString())
        .as("kubectl debug is reviewed")
        .isEqualTo("[\"pods\",\"pods/ephemeralcontainers\"]");
    assertThat(mutating.at("/webhooks/0/rules/0/resources").toString()).isEqualTo("[\"pods\"]");
  }

  @Test
  void servingResourcesAreReviewedForKServeByDefaultAndForSeldonWhenAsked() throws Exception {
    List<JsonNode> defaults = render(new Helm(CHART));
    List<JsonNode> seldon = render(new Helm(CHART), "servingResources.seldon", "true");
    List<JsonNode> off = render(new Helm(CHART), "servingResources.kserve", "false");

    for (String kind : List.of("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration")) {
      String rules = kind(defaults, kind).orElseThrow().at("/webhooks/0/rules").toString();
      assertThat(rules)
          .as(kind + ": KServe's resources, with /mutate pinning their storage URIs")
          .contains(
              "\"serving.kserve.io\"",
              "\"inferenceservices\"",
              "\"llminferenceservices\"",
              "\"trainedmodels\"",
              "\"v1beta1\"",
              "\"v1alpha2\"")
          .doesNotContain("mlops.seldon.io");
      assertThat(kind(seldon, kind).orElseThrow().at("/webhooks/0/rules").toString())
          .contains("\"mlops.seldon.io\"", "\"models\"");
      assertThat(kind(off, kind).orElseThrow().at("/webhooks/0/rules").toString())
          .doesNotContain("serving.kserve.io")
          .contains("\"deployments\"");
    }
    assertThat(kind(seldon, "ClusterRole").orElseThrow().toString())
        .as("nothing of a serving resource is read from the cluster")
        .doesNotContain("serving.kserve.io", "mlops.seldon.io");
  }

  @Test
  void valuesChangeWhatIsRendered() throws Exception {
    List<JsonNode> docs =
        render(
            new Helm(CHART),
            "noMatch",
            "warn",
            "image.digest",
            "sha256:" + "a".repeat(64),
            "readPullSecrets",
            "false",
            "certManager.enabled",
            "true",
            "verificationCache",
            "false");

    JsonNode deployment = kind(docs, "Deployment").orElseThrow();
    assertThat(deployment.at("/spec/template/spec/containers/0/args").toString())
        .contains("\"warn\"", "--no-cache");
    assertThat(deployment.at("/spec/template/spec/containers/0/image").asText())
        .endsWith("@sha256:" + "a".repeat(64));
    assertThat(kind(docs, "ClusterRole").orElseThrow().toString()).doesNotContain("secrets");
    // Without the RBAC, the server must not try to read pull secrets (each refusal would deny).
    assertThat(deployment.at("/spec/template/spec/containers/0/env").toString())
        .contains("{\"name\":\"MODELGATE_READ_PULL_SECRETS\",\"value\":\"false\"}");
    assertThat(kind(docs, "Certificate")).isPresent();
    assertThat(
            kind(docs, "ValidatingWebhookConfiguration")
                .orElseThrow()
                .at("/metadata/annotations")
                .toString())
        .contains("cert-manager.io/inject-ca-from");
  }

  static List<JsonNode> all(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
  }

  @Test
  void defaultsNeedNoCertificateStepAndSurviveLosingAReplica() throws Exception {
    List<JsonNode> docs = render(new Helm(CHART));

    JsonNode pod = kind(docs, "Deployment").orElseThrow().at("/spec/template/spec");
    assertThat(kind(docs, "Deployment").orElseThrow().at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(
            kind(docs, "Deployment")
                .orElseThrow()
                .at("/spec/strategy/rollingUpdate/maxUnavailable")
                .asInt())
        .isZero();
    JsonNode pdb = kind(docs, "PodDisruptionBudget").orElseThrow();
    assertThat(pdb.at("/spec/maxUnavailable").asInt()).isEqualTo(1);
    assertThat(pdb.at("/spec/selector/matchLabels"))
        .isEqualTo(kind(docs, "Deployment").orElseThrow().at("/spec/selector/matchLabels"));
    assertThat(pod.at("/topologySpreadConstraints/0/topologyKey").asText())
        .isEqualTo("kubernetes.io/hostname");
    assertThat(pod.at("/topologySpreadConstraints/0/labelSelector/matchLabels"))
        .isEqualTo(pdb.at("/spec/selector/matchLabels"));
    assertThat(pod.at("/terminationGracePeriodSeconds").asInt())
        .as("longer than quarkus.shutdown.timeout (30 s)")
        .isGreaterThan(30);
    assertThat(pod.has("priorityClassName")).isFalse();
    JsonNode container = pod.at("/containers/0");
    assertThat(container.at("/args").toString()).doesNotContain("--tls-cert");
    assertThat(container.at("/env").toString())
        .contains("MODELGATE_WEBHOOK_TLS_SECRET", "\"modelgate-tls\"", "POD_NAMESPACE");
    assertThat(container.at("/volumeMounts").toString()).doesNotContain("/tls");
    for (String k : List.of("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration")) {
      JsonNode w = kind(docs, k).orElseThrow().at("/webhooks/0");
      assertThat(w.at("/clientConfig/caBundle").isMissingNode())
          .as(k + " has no caBundle to paste")
          .isTrue();
      assertThat(w.at("/namespaceSelector/matchExpressions/0/values").toString())
          .contains("kube-system", "modelgate-system");
      assertThat(w.at("/failurePolicy").asText()).isEqualTo("Fail");
    }
    assertThat(kind(docs, "Secret").orElseThrow().at("/metadata/name").asText())
        .isEqualTo("modelgate-tls");
    assertThat(kind(docs, "Lease").orElseThrow().at("/metadata/name").asText())
        .isEqualTo("gate-tls");
    assertThat(kind(docs, "Certificate")).isEmpty();
  }

  @Test
  void rbacGrantsNamedObjectsOnlyAndNoCreateOfSecretsOrLeases() throws Exception {
    List<JsonNode> docs = render(new Helm(CHART), "readPullSecrets", "false");

    List<JsonNode> rules = new ArrayList<>();
    kind(docs, "ClusterRole").orElseThrow().path("rules").forEach(rules::add);
    docs.stream()
        .filter(d -> d.path("kind").asText().equals("Role"))
        .forEach(role -> role.path("rules").forEach(rules::add));
    for (JsonNode r : rules) {
      String resources = r.path("resources").toString();
      String verbs = r.path("verbs").toString();
      assertThat(verbs)
          .as(resources)
          .doesNotContain("delete", "\"*\"", "escalate", "bind", "impersonate");
      if (resources.contains("webhookconfigurations")) {
        assertThat(r.path("resourceNames").toString()).isEqualTo("[\"gate\"]");
        assertThat(verbs).isEqualTo("[\"get\",\"update\"]");
      }
      if (resources.contains("secrets")) {
        assertThat(r.path("resourceNames").toString())
            .as("with readPullSecrets off, only the TLS Secret")
            .isEqualTo("[\"modelgate-tls\"]");
        assertThat(verbs).isEqualTo("[\"get\",\"update\"]");
      }
      if (resources.contains("leases")) {
        assertThat(r.path("resourceNames").toString()).isIn("[\"gate-tls\"]", "[\"gate-scan\"]");
        assertThat(verbs).isEqualTo("[\"get\",\"update\"]");
      }
      if (verbs.contains("create")) {
        assertThat(resources)
            .as("the only creates: Events and ModelGate's PolicyReports")
            .isIn("[\"events\"]", "[\"policyreports\",\"clusterpolicyreports\"]");
      }
      if (resources.contains("policyreports") && verbs.contains("update")) {
        assertThat(r.path("resourceNames").toString()).isEqualTo("[\"modelgate\"]");
      }
      if (verbs.contains("list")) {
        assertThat(resources)
            .isIn(
                "[\"clustermodelpolicies\",\"modelpolicies\",\"modeltrustroots\"]",
                "[\"endpointslices\"]",
                "[\"policyreports\",\"clusterpolicyreports\"]",
                "[\"pods\"]");
      }
    }
    assertThat(kind(docs, "Role").orElseThrow().at("/metadata/namespace").asText())
        .isEqualTo("modelgate-system");
    assertThat(kind(docs, "ClusterRole").orElseThrow().path("rules").toString())
        .doesNotContain("\"secrets\"");
  }

  @Test
  void reportsGetRbacAndSettingsAndCanBeTurnedOff() throws Exception {
    List<JsonNode> on = render(new Helm(CHART));
    List<JsonNode> off = render(new Helm(CHART), "reports.enabled", "false");

    assertThat(kind(on, "ClusterRole").orElseThrow().path("rules").toString())
        .contains("\"wgpolicyk8s.io\"", "\"policyreports\"", "\"clusterpolicyreports\"");
    assertThat(
            kind(on, "Deployment")
                .orElseThrow()
                .at("/spec/template/spec/containers/0/env")
                .toString())
        .contains("{\"name\":\"MODELGATE_REPORTS_ENABLED\",\"value\":\"true\"}")
        .contains("{\"name\":\"MODELGATE_REPORTS_FLUSH_INTERVAL\",\"value\":\"10s\"}");
    assertThat(kind(off, "ClusterRole").orElseThrow().path("rules").toString())
        .doesNotContain("wgpolicyk8s.io");
    assertThat(kind(off, "CustomResourceDefinition").stream())
        .as("the wgpolicyk8s.io CRDs are not this chart's")
        .noneMatch(c -> c.toString().contains("wgpolicyk8s.io"));
  }

  @Test
  void backgroundVerificationHasItsOwnLeaseAndCanBeTurnedOff() throws Exception {
    List<JsonNode> on = render(new Helm(CHART), "scan.interval", "30m");
    List<JsonNode> off = render(new Helm(CHART), "scan.enabled", "false");

    String env =
        kind(on, "Deployment").orElseThrow().at("/spec/template/spec/containers/0/env").toString();
    assertThat(env)
        .contains(
            "{\"name\":\"MODELGATE_SCAN_INTERVAL\",\"value\":\"30m\"}",
            "{\"name\":\"MODELGATE_SCAN_LEASE\",\"value\":\"gate-scan\"}",
            "POD_NAME");
    assertThat(named(on, "Lease", "gate-scan")).isPresent();
    assertThat(named(on, "Role", "gate-scan").orElseThrow().path("rules").toString())
        .contains("leases", "gate-scan");
    assertThat(kind(on, "ClusterRole").orElseThrow().path("rules").toString())
        .contains("\"pods\"", "replicasets", "jobs");
    assertThat(
            kind(off, "Deployment")
                .orElseThrow()
                .at("/spec/template/spec/containers/0/env")
                .toString())
        .contains("{\"name\":\"MODELGATE_SCAN_ENABLED\",\"value\":\"false\"}");
    assertThat(named(off, "Lease", "gate-scan")).isEmpty();
    assertThat(kind(off, "ClusterRole").orElseThrow().path("rules").toString())
        .doesNotContain("replicasets")
        .as("admission lists pods for the claim-writer rule, scan or not")
        .contains("\"pods\"");
  }

  @Test
  void certManagerModeMountsItsSecretAndGrantsNoWebhookOrSecretWrites() throws Exception {
    List<JsonNode> docs = render(new Helm(CHART), "certManager.enabled", "true");

    JsonNode container =
        kind(docs, "Deployment").orElseThrow().at("/spec/template/spec/containers/0");
    assertThat(container.at("/args").toString()).contains("\"--tls-cert\",\"/tls/tls.crt\"");
    assertThat(container.at("/env").toString()).doesNotContain("MODELGATE_WEBHOOK_TLS_SECRET");
    assertThat(named(docs, "Role", "gate-tls")).isEmpty();
    assertThat(named(docs, "Lease", "gate-tls")).isEmpty();
    assertThat(kind(docs, "Secret")).as("cert-manager creates it").isEmpty();
    assertThat(kind(docs, "ClusterRole").orElseThrow().toString())
        .doesNotContain("webhookconfigurations");
    assertThat(kind(docs, "Certificate").orElseThrow().at("/spec/dnsNames").toString())
        .contains("gate.modelgate-system.svc");
  }

  @Test
  void haValuesAreHonoured() throws Exception {
    List<JsonNode> docs =
        render(
            new Helm(CHART),
            "replicas",
            "5",
            "podDisruptionBudget.maxUnavailable",
            "2",
            "priorityClassName",
            "system-cluster-critical",
            "topologySpread.whenUnsatisfiable",
            "DoNotSchedule",
            "webhook.failurePolicy",
            "Ignore",
            "webhook.timeoutSeconds",
            "5");

    JsonNode d = kind(docs, "Deployment").orElseThrow();
    assertThat(d.at("/spec/replicas").asInt()).isEqualTo(5);
    assertThat(d.at("/spec/template/spec/priorityClassName").asText())
        .isEqualTo("system-cluster-critical");
    assertThat(d.at("/spec/template/spec/topologySpreadConstraints/0/whenUnsatisfiable").asText())
        .isEqualTo("DoNotSchedule");
    assertThat(kind(docs, "PodDisruptionBudget").orElseThrow().at("/spec/maxUnavailable").asInt())
        .isEqualTo(2);
    assertThat(
            kind(docs, "MutatingWebhookConfiguration")
                .orElseThrow()
                .at("/webhooks/0/failurePolicy")
                .asText())
        .isEqualTo("Ignore");
    assertThat(
            kind(docs, "ValidatingWebhookConfiguration")
                .orElseThrow()
                .at("/webhooks/0/timeoutSeconds")
                .asInt())
        .isEqualTo(5);

    List<JsonNode> off =
        render(
            new Helm(CHART),
            "podDisruptionBudget.enabled",
            "false",
            "topologySpread.enabled",
            "false");
    assertThat(kind(off, "PodDisruptionBudget")).isEmpty();
    assertThat(
            kind(off, "Deployment")
                .orElseThrow()
                .at("/spec/template/spec/topologySpreadConstraints")
                .isMissingNode())
        .isTrue();
  }

  @Test
  void ownCaBundleModeMountsTheGivenSecret() throws Exception {
    List<JsonNode> docs = render(new Helm(CHART), "tls.caBundle", "Y2E=");

    assertThat(
            kind(docs, "ValidatingWebhookConfiguration")
                .orElseThrow()
                .at("/webhooks/0/clientConfig/caBundle")
                .asText())
        .isEqualTo("Y2E=");
    assertThat(
            kind(docs, "Deployment")
                .orElseThrow()
                .at("/spec/template/spec/containers/0/args")
                .toString())
        .contains("--tls-cert");
    assertThat(named(docs, "Lease", "gate-tls")).isEmpty();
  }

  @Test
  void chartShipsTheGeneratedCrds() throws Exception {
    for (String crd :
        List.of(
            "clustermodelpolicies.modelgate.dev-v1.yml",
            "modelpolicies.modelgate.dev-v1.yml",
            "modeltrustroots.modelgate.dev-v1.yml")) {
      assertThat(Files.readString(CHART.resolve("crds").resolve(crd)))
          .as(crd + " differs from deploy/crds")
          .isEqualTo(Files.readString(Path.of("deploy/crds").resolve(crd)));
    }
  }
}
