package dev.modelgate.bom.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.bom.ClusterBom;
import dev.modelgate.bom.ModelBom;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.report.BatchingReportWriter;
import dev.modelgate.report.Evaluation;
import dev.modelgate.report.ObjectReference;
import dev.modelgate.report.WorkloadVerdicts;
import dev.modelgate.report.k8s.KubernetesReportStore;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.CycloneDx;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster's BOM from PolicyReports as ModelGate writes them: verdicts of the real policy engine
 * for Deployments, written as background-scan results by the real report writer and store to the
 * CRUD mock server, then read back by {@link ClusterReports} (as {@code bom --cluster} does, with a
 * kubeconfig) into one valid CycloneDX 1.6 BOM: each model once, with its signer and each policy's
 * result, and each workload as a service that depends on its models.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterBomMockServerTest {
  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir Path tmp;
  SignedModel good;
  SignedModel bad;
  AdmissionHarness harness;
  BatchingReportWriter writer;
  final Instant scanned = Instant.parse("2026-12-01T10:30:00Z");

  @BeforeEach
  void setUp() throws Exception {
    good = SignedModel.create(Files.createDirectories(tmp.resolve("good")));
    bad = SignedModel.create(Files.createDirectories(tmp.resolve("bad")));
    TestModels.write(bad.model.resolve("extra.bin"), "unsigned");
    harness =
        new AdmissionHarness(tmp)
            .policy(
                "good.yaml",
                AdmissionHarness.keyPolicy(
                    "signed", "Enforce", "file://" + good.model, good.publicKey, ""))
            .policy(
                "bad.yaml",
                AdmissionHarness.keyPolicy(
                    "audited", "Audit", "file://" + bad.model, bad.publicKey, ""));
    writer =
        new BatchingReportWriter(
            new KubernetesReportStore(client),
            new BatchingReportWriter.Settings(Duration.ofHours(1), 10_000, 50_000),
            BatchingReportWriter.Observer.NONE);
    scan("ml", "llm", good.model);
    scan("ml", "llm-canary", good.model);
    scan("search", "ranker", bad.model);
    writer.flush();
  }

  /** What the background scan writes for a running Deployment: its verdicts, replaced. */
  private void scan(String namespace, String name, Path model) {
    AdmissionOutcome o =
        harness.review(
            AdmissionHarness.create(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: "
                    + name
                    + "\n  namespace: "
                    + namespace
                    + "\nspec:\n  template:\n    metadata:\n      annotations:\n        model.modelgate.dev/llm: file://"
                    + model
                    + "\n    spec:\n      containers: [{name: s, image: s}]\n"));
    assertThat(o.verdicts()).hasSize(1);
    writer.replace(
        new WorkloadVerdicts(
            ObjectReference.of("apps/v1", "Deployment", namespace, name, ""),
            o.verdicts(),
            scanned,
            Evaluation.SCAN));
  }

  private static JsonNode component(JsonNode bom, String source) {
    for (JsonNode c : bom.path("components")) {
      if (CycloneDx.property(c, "modelgate:source").contains(source)) {
        return c;
      }
    }
    throw new AssertionError("no component for " + source + " in " + bom);
  }

  @Test
  void everyRecordedModelIsOneComponentAndEveryWorkloadAServiceDependingOnIt() {
    ClusterBom.Read read = ClusterReports.read(client, List.of());

    JsonNode bom = CycloneDx.valid(ModelBom.json(ClusterBom.of(read, Instant.now(), "test")));

    assertThat(read.namespaces()).containsExactlyInAnyOrder("ml", "search");
    assertThat(bom.path("components")).hasSize(2);
    JsonNode g = component(bom, "file://" + good.model);
    assertThat(g.path("type").asText()).isEqualTo("machine-learning-model");
    assertThat(g.path("name").asText()).isEqualTo("model");
    assertThat(CycloneDx.one(g, "modelgate:verified")).isEqualTo("true");
    assertThat(CycloneDx.one(g, "modelgate:signer:method")).isEqualTo("key");
    assertThat(CycloneDx.one(g, "modelgate:signer:identity")).startsWith("sha256:");
    assertThat(CycloneDx.one(g, "modelgate:policy")).isEqualTo("ClusterModelPolicy/signed");
    assertThat(CycloneDx.one(g, "modelgate:policy:ClusterModelPolicy/signed:result"))
        .isEqualTo("pass");
    assertThat(CycloneDx.one(g, "modelgate:policy:ClusterModelPolicy/signed:mode"))
        .isEqualTo("Enforce");
    assertThat(CycloneDx.one(g, "modelgate:verification:time")).isEqualTo(scanned.toString());
    JsonNode b = component(bom, "file://" + bad.model);
    assertThat(CycloneDx.one(b, "modelgate:verified")).isEqualTo("false");
    assertThat(CycloneDx.one(b, "modelgate:policy:ClusterModelPolicy/audited:result"))
        .isEqualTo("fail");
    assertThat(CycloneDx.one(b, "modelgate:verification:failure")).contains("UNSIGNED_FILE");
    List<String> services = new ArrayList<>();
    bom.path("services")
        .forEach(s -> services.add(s.path("group").asText() + " " + s.path("name").asText()));
    assertThat(services)
        .containsExactlyInAnyOrder(
            "ml Deployment/llm", "ml Deployment/llm-canary", "search Deployment/ranker");
    String goodRef = g.path("bom-ref").asText();
    int workloads = 0;
    for (JsonNode d : bom.path("dependencies")) {
      if (d.path("ref").asText().startsWith("workload:Deployment/ml/")) {
        workloads++;
        assertThat(d.path("dependsOn").get(0).asText()).isEqualTo(goodRef);
        assertThat(d.path("dependsOn")).hasSize(1);
      }
    }
    assertThat(workloads).isEqualTo(2);
  }

  @Test
  void namedNamespacesAreTheOnlyOnesRead() {
    ClusterBom.Read read = ClusterReports.read(client, List.of("search", "empty"));

    JsonNode bom = CycloneDx.valid(ModelBom.json(ClusterBom.of(read, Instant.now(), "test")));

    assertThat(read.reports()).isEqualTo(1);
    assertThat(bom.path("components")).hasSize(1);
    component(bom, "file://" + bad.model);
  }

  @Test
  void theCliReadsTheReportsWithTheKubeconfigItIsGiven() throws Exception {
    Path kubeconfig =
        Files.writeString(
            tmp.resolve("kubeconfig"),
            "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n    server: "
                + client.getMasterUrl()
                + "\n    insecure-skip-tls-verify: true\nusers:\n- name: reader\n  user: {token: t}\n"
                + "contexts:\n- name: mock\n  context: {cluster: mock, user: reader}\ncurrent-context: mock\n");
    Path out = tmp.resolve("cluster-bom.json");

    // A JVM property left by another test (or a user's JAVA_OPTS) must not redirect the read:
    // the kubeconfig named is the one used (found in the full suite).
    String before = System.getProperty("kubernetes.master");
    System.setProperty("kubernetes.master", "http://127.0.0.1:1");
    Cli.Result r;
    try {
      r = Cli.run("bom", "--cluster", "--kubeconfig", kubeconfig, "--output", out);
    } finally {
      if (before == null) {
        System.clearProperty("kubernetes.master");
      } else {
        System.setProperty("kubernetes.master", before);
      }
    }

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err()).contains("Cluster BOM: 3 results from 2 PolicyReports in 2 namespaces");
    JsonNode bom = CycloneDx.valid(Files.readString(out));
    assertThat(bom.path("components")).hasSize(2);
    assertThat(bom.path("services")).hasSize(3);
  }

  @Test
  void clusterTakesNoModelAndAMissingKubeconfigIsBadInput() {
    assertThat(Cli.run("bom", "--cluster", good.model).exitCode()).isEqualTo(2);
    assertThat(Cli.run("bom", "--cluster", "--kubeconfig", tmp.resolve("missing")).exitCode())
        .isEqualTo(2);
  }

  @Test
  void aReportThatCannotBeReadIsAnErrorNotAGap() {
    client
        .genericKubernetesResources(ClusterReports.REPORTS)
        .inNamespace("ml")
        .withName("modelgate")
        .edit(
            r -> {
              r.setAdditionalProperty("results", List.of(Map.of("result", "maybe")));
              return r;
            });

    assertThatThrownBy(() -> ClusterReports.read(client, List.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("PolicyReport ml/modelgate cannot be read");
  }
}
