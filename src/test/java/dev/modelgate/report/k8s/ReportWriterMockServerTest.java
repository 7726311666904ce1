package dev.modelgate.report.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.report.BatchingReportWriter;
import dev.modelgate.report.Evaluation;
import dev.modelgate.report.ObjectReference;
import dev.modelgate.report.PolicyReport;
import dev.modelgate.report.PolicyReportJson;
import dev.modelgate.report.PolicyReportResult;
import dev.modelgate.report.PolicyReportSummary;
import dev.modelgate.report.PolicyResult;
import dev.modelgate.report.ReportStore;
import dev.modelgate.report.WorkloadVerdicts;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batching writer against the fabric8 mock API server in CRUD mode: bursts become one write per
 * namespace report, results merge by (workload, model, policy), the scan's replace, remove and
 * retain reach the stored reports, and two replicas writing the same report lose nothing. Writes
 * are counted from the requests the server received.
 */
@EnableKubernetesMockClient(crud = true)
class ReportWriterMockServerTest {
  static final BatchingReportWriter.Settings MANUAL =
      new BatchingReportWriter.Settings(Duration.ofHours(1), 10_000, 50_000);
  static final Instant AT = Instant.parse("2026-12-01T10:30:00Z");

  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir Path tmp;

  List<ModelVerdict> passing;
  List<ModelVerdict> failingAudit;

  @BeforeEach
  void realVerdicts() throws Exception {
    SignedModel signed = SignedModel.create(Files.createDirectories(tmp.resolve("models")));
    AdmissionHarness harness = new AdmissionHarness(tmp);
    String pod =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ml, annotations: {model.modelgate.dev/llm: 'file://"
            + signed.model
            + "'}}\nspec:\n  containers: [{name: c, image: c}]\n";
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy("audited", "Audit", "file://**", signed.publicKey, ""));
    passing = harness.review(AdmissionHarness.create(pod)).verdicts();
    TestModels.write(signed.model.resolve("extra.bin"), "x");
    failingAudit = harness.review(AdmissionHarness.create(pod)).verdicts();
    assertThat(passing).singleElement().satisfies(v -> assertThat(v.passed()).isTrue());
    assertThat(failingAudit).singleElement().satisfies(v -> assertThat(v.passed()).isFalse());
    drainRequests();
  }

  static ObjectReference pod(String namespace, String name) {
    return ObjectReference.of("v1", "Pod", namespace, name, "");
  }

  private WorkloadVerdicts admitted(ObjectReference workload, List<ModelVerdict> verdicts) {
    return new WorkloadVerdicts(workload, verdicts, AT, Evaluation.ADMISSION);
  }

  private BatchingReportWriter writer() {
    return new BatchingReportWriter(
        new KubernetesReportStore(client), MANUAL, BatchingReportWriter.Observer.NONE);
  }

  private List<RecordedRequest> drainRequests() throws InterruptedException {
    List<RecordedRequest> out = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
      out.add(r);
    }
    return out;
  }

  private static long writes(List<RecordedRequest> requests) {
    return requests.stream()
        .filter(r -> r.getPath().contains("policyreports"))
        .filter(r -> r.getMethod().equals("POST") || r.getMethod().equals("PUT"))
        .count();
  }

  private PolicyReport stored(String namespace) {
    GenericKubernetesResource r =
        namespace.isEmpty()
            ? client
                .genericKubernetesResources(KubernetesReportStore.CLUSTER)
                .withName("modelgate")
                .get()
            : client
                .genericKubernetesResources(KubernetesReportStore.NAMESPACED)
                .inNamespace(namespace)
                .withName("modelgate")
                .get();
    assertThat(r).as("report in " + namespace).isNotNull();
    return PolicyReportJson.parse(client.getKubernetesSerialization().asJson(r));
  }

  @Test
  void burstOfAdmissionsIsOneWritePerNamespaceReport() throws Exception {
    BatchingReportWriter w = writer();
    for (String ns : List.of("ml", "search", "vision")) {
      for (int i = 0; i < 40; i++) {
        w.merge(admitted(pod(ns, "llm-" + i), i % 4 == 0 ? failingAudit : passing));
      }
    }

    w.flush();
    List<RecordedRequest> requests = drainRequests();

    assertThat(writes(requests)).as("120 admissions, 3 namespaces").isEqualTo(3);
    assertThat(requests).hasSizeLessThanOrEqualTo(6);
    for (String ns : List.of("ml", "search", "vision")) {
      PolicyReport r = stored(ns);
      assertThat(r.results()).hasSize(40);
      assertThat(r.summary()).isEqualTo(new PolicyReportSummary(30, 10, 0, 0, 0));
      assertThat(r.scope().orElseThrow().name()).isEqualTo(ns);
      assertThat(r.labels()).containsEntry("app.kubernetes.io/managed-by", "modelgate");
    }
    assertThat(w.queued()).isZero();
  }

  @Test
  void laterBurstIsOneUpdateAndTheSameKeyReplacesItsEarlierResult() throws Exception {
    BatchingReportWriter w = writer();
    for (int i = 0; i < 10; i++) {
      w.merge(admitted(pod("ml", "llm-" + i), passing));
    }
    w.flush();
    drainRequests();

    for (int round = 0; round < 5; round++) {
      w.merge(admitted(pod("ml", "llm-3"), round % 2 == 0 ? failingAudit : passing));
    }
    w.merge(admitted(pod("ml", "llm-3"), failingAudit));
    w.merge(admitted(pod("ml", "llm-10"), passing));
    w.flush();
    List<RecordedRequest> requests = drainRequests();

    assertThat(writes(requests)).isEqualTo(1);
    assertThat(requests.stream().filter(r -> r.getMethod().equals("PUT"))).hasSize(1);
    PolicyReport r = stored("ml");
    assertThat(r.results()).hasSize(11);
    assertThat(r.results())
        .filteredOn(x -> x.subject().orElseThrow().name().equals("llm-3"))
        .extracting(PolicyReportResult::result, x -> x.properties().get("mode"))
        .containsExactly(tuple(PolicyResult.FAIL, "Audit"));
    assertThat(r.summary()).isEqualTo(new PolicyReportSummary(10, 1, 0, 0, 0));
  }

  @Test
  void scanReplacesRemovesAndRetainsWhatTheReportsHold() {
    BatchingReportWriter w = writer();
    w.merge(admitted(pod("ml", "a"), passing));
    w.merge(admitted(pod("ml", "b"), passing));
    w.merge(admitted(pod("ml", "c"), passing));
    w.merge(admitted(pod("search", "d"), passing));
    w.flush();

    w.replace(new WorkloadVerdicts(pod("ml", "a"), failingAudit, AT, Evaluation.SCAN));
    w.replace(new WorkloadVerdicts(pod("ml", "b"), List.of(), AT, Evaluation.SCAN));
    w.remove(pod("ml", "c"));
    w.retainOnly(List.of(pod("ml", "a"), pod("ml", "b"), pod("ml", "c")));
    w.merge(admitted(pod("search", "e"), passing));
    w.flush();

    assertThat(stored("ml").results())
        .extracting(
            x -> x.subject().orElseThrow().name(),
            PolicyReportResult::result,
            x -> x.properties().get("evaluation"))
        .containsExactly(tuple("a", PolicyResult.FAIL, "scan"));
    assertThat(stored("search").results())
        .as("d is gone by retainOnly; e was admitted after it")
        .extracting(x -> x.subject().orElseThrow().name())
        .containsExactly("e");
  }

  @Test
  void twoReplicasWritingTheSameReportKeepEachOthersResults() {
    BatchingReportWriter first = writer();
    KubernetesReportStore store = new KubernetesReportStore(client);
    // The second replica reads the report, then the first writes it before the second does.
    ReportStore racing =
        new ReportStore() {
          boolean raced;

          @Override
          public Optional<Stored> read(String namespace) {
            return store.read(namespace);
          }

          @Override
          public Write write(PolicyReport report, Optional<String> resourceVersion) {
            if (!raced) {
              raced = true;
              first.flush();
            }
            return store.write(report, resourceVersion);
          }

          @Override
          public List<String> namespaces() {
            return store.namespaces();
          }
        };
    List<BatchingReportWriter.Outcome> outcomes = new ArrayList<>();
    BatchingReportWriter second =
        new BatchingReportWriter(racing, MANUAL, (o, n) -> outcomes.add(o));
    first.merge(admitted(pod("ml", "from-first"), passing));
    second.merge(admitted(pod("ml", "from-second"), failingAudit));

    second.flush();

    assertThat(outcomes)
        .containsExactly(
            BatchingReportWriter.Outcome.CONFLICT, BatchingReportWriter.Outcome.WRITTEN);
    assertThat(stored("ml").results())
        .extracting(x -> x.subject().orElseThrow().name())
        .containsExactly("from-first", "from-second");
  }

  @Test
  void resultsAboutClusterScopedObjectsGoToTheClusterReport() {
    BatchingReportWriter w = writer();
    w.merge(admitted(ObjectReference.of("v1", "Node", "", "gpu-1", ""), failingAudit));

    w.flush();

    PolicyReport r = stored("");
    assertThat(r.kind()).isEqualTo(PolicyReport.Kind.CLUSTER_POLICY_REPORT);
    assertThat(r.results()).hasSize(1);
    assertThat(new KubernetesReportStore(client).namespaces()).containsExactly("");
  }

  @Test
  void queuedResultsPastFlushAtAreWrittenWithoutWaitingForTheInterval() throws Exception {
    BlockingQueue<BatchingReportWriter.Outcome> outcomes = new LinkedBlockingQueue<>();
    try (BatchingReportWriter w =
        new BatchingReportWriter(
                new KubernetesReportStore(client),
                new BatchingReportWriter.Settings(Duration.ofHours(1), 5, 100),
                (o, n) -> outcomes.add(o))
            .start()) {
      for (int i = 0; i < 5; i++) {
        w.merge(admitted(pod("ml", "llm-" + i), passing));
      }

      assertThat(outcomes.poll(10, TimeUnit.SECONDS))
          .isEqualTo(BatchingReportWriter.Outcome.WRITTEN);
      assertThat(stored("ml").results()).hasSize(5);
    }
  }
}
