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
    try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(t.call())) {
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
    assertThat(deployment.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("ghcr.io/modelgate/modelgate:0.1.0");
    assertThat(kind(docs, "ValidatingWebhookConfiguration").orElseThrow().at("/webhooks/0/clientConfig/service/path").asText()).isEqualTo("/validate");
    JsonNode mutating = kind(docs, "MutatingWebhookConfiguration").orElseThrow();
    assertThat(mutating.at("/webhooks/0/clientConfig/service/path").asText()).isEqualTo("/mutate");
    assertThat(mutating.at("/webhooks/0/namespaceSelector/matchExpressions/0/values").toString()).contains("kube-system", "modelgate-system");
    assertThat(kind(docs, "ClusterRole").orElseThrow().toString()).contains("clustermodelpolicies", "secrets", "events");
    assertThat(kind(docs, "Service")).isPresent();
    assertThat(kind(docs, "ValidatingWebhookConfiguration").orElseThrow().at("/webhooks/0/rules/0/resources").toString())
        .as("kubectl debug is reviewed").isEqualTo("[\"pods\",\"pods/ephemeralcontainers\"]");
    assertThat(mutating.at("/webhooks/0/rules/0/resources").toString()).isEqualTo("[\"pods\"]");
  }

  @Test
  void valuesChangeWhatIsRendered() throws Exception {
    List<JsonNode> docs = render(new Helm(CHART), "noMatch", "warn", "image.digest", "sha256:" + "a".repeat(64),
        "readPullSecrets", "false", "certManager.enabled", "true", "verificationCache", "false");

    JsonNode deployment = kind(docs, "Deployment").orElseThrow();
    assertThat(deployment.at("/spec/template/spec/containers/0/args").toString()).contains("\"warn\"", "--no-cache");
    assertThat(deployment.at("/spec/template/spec/containers/0/image").asText()).endsWith("@sha256:" + "a".repeat(64));
    assertThat(kind(docs, "ClusterRole").orElseThrow().toString()).doesNotContain("secrets");
    assertThat(kind(docs, "Certificate")).isPresent();
    assertThat(kind(docs, "ValidatingWebhookConfiguration").orElseThrow().at("/metadata/annotations").toString()).contains("cert-manager.io/inject-ca-from");
  }

  @Test
  void chartShipsTheGeneratedCrds() throws Exception {
    for (String crd : List.of("clustermodelpolicies.modelgate.dev-v1.yml", "modelpolicies.modelgate.dev-v1.yml", "modeltrustroots.modelgate.dev-v1.yml")) {
      assertThat(Files.readString(CHART.resolve("crds").resolve(crd))).as(crd + " differs from deploy/crds").isEqualTo(Files.readString(Path.of("deploy/crds").resolve(crd)));
    }
  }
}
