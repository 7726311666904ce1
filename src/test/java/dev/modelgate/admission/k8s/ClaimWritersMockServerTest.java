package dev.modelgate.admission.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.admission.AdmissionReports;
import dev.modelgate.inpod.VerifiedClaims;
import dev.modelgate.report.BatchingReportWriter;
import dev.modelgate.report.PolicyReportResult;
import dev.modelgate.report.PolicyResult;
import dev.modelgate.report.VerdictResults;
import dev.modelgate.report.k8s.KubernetesReportStore;
import dev.modelgate.scan.BackgroundScan;
import dev.modelgate.scan.k8s.ClusterPods;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.ManualClock;
import dev.modelgate.testing.RecordingReportSink;
import dev.modelgate.testing.SignedModel;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The claim-writer rule against the fabric8 CRUD mock API server, with the cluster's parts the
 * webhook uses: the verified claims read from the namespace's pods ({@link ClusterVerifiedClaims}),
 * Events ({@link KubernetesEventSink}) and PolicyReports ({@link KubernetesReportStore}); and
 * background verification reporting a writer pod that was running before the model's.
 */
@EnableKubernetesMockClient(crud = true)
class ClaimWritersMockServerTest {
  static final YAMLMapper YAML = new YAMLMapper();
  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir Path tmp;
  SignedModel signed;
  AdmissionHarness harness;
  final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T03:30:00Z"));
  ExecutorService workers = Executors.newFixedThreadPool(2);

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    harness = new AdmissionHarness(tmp);
    harness.namespaceLabels.put("ml", Map.of("kubernetes.io/metadata.name", "ml"));
    harness.policy(
        "serving.yaml",
        AdmissionHarness.keyPolicy("serving-models", "Warn", "**", signed.publicKey, "")
            .replace(
                "  match:\n",
                "  match:\n    workloadSelector: {matchLabels: {app: llama-server}}\n"));
  }

  @AfterEach
  void tearDown() {
    workers.shutdownNow();
  }

  /** The serving pod as /mutate made it, created in the API server, Running. */
  private JsonNode createServingPod(String name, String claim, String phase) throws Exception {
    JsonNode pod =
        YAML.readTree(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: "
                + name
                + "\n  namespace: ml\n  labels: {app: llama-server}\n"
                + "  annotations: {model.modelgate.dev/llama: 'pvc://"
                + claim
                + "/llama'}\nspec:\n  containers:\n    - name: server\n      image: vllm/vllm-openai:v0.8.5\n"
                + "      args: [--model, /models/llama]\n"
                + "      volumeMounts: [{name: weights, mountPath: /models/llama, subPath: llama, readOnly: true}]\n"
                + "  volumes:\n    - {name: weights, persistentVolumeClaim: {claimName: "
                + claim
                + "}}\n");
    AdmissionOutcome mutated = harness.review(pod, true);
    ObjectNode patched = (ObjectNode) AdmissionHarness.patched(mutated, pod);
    patched.putObject("status").put("phase", phase);
    create(patched);
    return patched;
  }

  private void create(JsonNode pod) {
    Pod p = client.getKubernetesSerialization().convertValue(pod, Pod.class);
    Pod made = client.pods().inNamespace("ml").resource(p).create();
    made.setStatus(p.getStatus());
    client.pods().inNamespace("ml").resource(made).updateStatus();
  }

  private static JsonNode writerDeployment() throws Exception {
    return YAML.readTree(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: trainer, namespace: ml, uid: d-1}\n"
            + "spec:\n  selector: {matchLabels: {app: trainer}}\n  template:\n"
            + "    metadata: {labels: {app: trainer}}\n    spec:\n      containers:\n"
            + "        - name: trainer\n          image: python:3.12\n"
            + "          volumeMounts: [{name: data, mountPath: /data}]\n"
            + "      volumes: [{name: data, persistentVolumeClaim: {claimName: models}}]\n");
  }

  private AdmissionOutcome validate(JsonNode object) {
    return harness.review(object, false);
  }

  private long podLists() throws InterruptedException {
    long n = 0;
    RecordedRequest r;
    while ((r = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
      if (r.getMethod().equals("GET") && r.getPath().startsWith("/api/v1/namespaces/ml/pods?")) {
        n++;
      }
    }
    return n;
  }

  @Test
  void underWarnAWriterOfTheClaimARunningPodVerifiesIsAdmittedWithAnEventAndAReportResult()
      throws Exception {
    createServingPod("llama-server-0", "models", "Running");
    BatchingReportWriter writer =
        new BatchingReportWriter(
            new KubernetesReportStore(client),
            new BatchingReportWriter.Settings(Duration.ofHours(1), 10_000, 50_000),
            BatchingReportWriter.Observer.NONE);
    harness.reports = new AdmissionReports(writer, clock);
    harness.eventSink = new KubernetesEventSink(client);
    harness.verifiedClaims = new ClusterVerifiedClaims(client, Duration.ofSeconds(5), clock);

    AdmissionOutcome o = validate(writerDeployment());
    writer.flush();

    assertThat(o.allowed()).isTrue();
    assertThat(o.warnings())
        .singleElement()
        .asString()
        .contains(
            "MODEL_CLAIM_WRITER: container 'trainer' mounts claim models (volume 'data') writable")
        .contains("(verified on it for Pod/llama-server-0");
    List<Event> events = client.v1().events().inNamespace("ml").list().getItems();
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getReason()).isEqualTo("ModelPolicyWarning");
              assertThat(e.getInvolvedObject().getName()).isEqualTo("trainer");
              assertThat(e.getMessage()).contains("MODEL_CLAIM_WRITER");
            });
    List<PolicyReportResult> stored =
        new KubernetesReportStore(client).read("ml").orElseThrow().results();
    assertThat(stored)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.result()).isEqualTo(PolicyResult.WARN);
              assertThat(r.policy()).isEqualTo("ClusterModelPolicy/serving-models");
              assertThat(r.properties()).containsEntry("reasons", "MODEL_CLAIM_WRITER");
              assertThat(r.resources().get(0).kind()).isEqualTo("Deployment");
            });
  }

  @Test
  void finishedPodsDoNotCountAndOneListServesTheNamespaceForFiveSeconds() throws Exception {
    createServingPod("old-run", "old-models", "Succeeded");
    createServingPod("llama-server-0", "models", "Pending");
    ClusterVerifiedClaims claims = new ClusterVerifiedClaims(client, Duration.ofSeconds(5), clock);
    podLists();

    List<VerifiedClaims.ClaimModel> first = claims.of("ml");
    claims.of("ml");
    clock.advance(Duration.ofSeconds(4));
    claims.of("ml");
    long listsWithinTtl = podLists();
    clock.advance(Duration.ofSeconds(2));
    claims.of("ml");

    assertThat(first)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.claim()).isEqualTo("models");
              assertThat(c.modelName()).isEqualTo("llama");
              assertThat(c.modelUri()).isEqualTo("pvc://models/llama");
              assertThat(c.workload()).isEqualTo("Pod/llama-server-0");
              assertThat(c.labels()).containsEntry("app", "llama-server");
            });
    assertThat(listsWithinTtl).isEqualTo(1);
    assertThat(podLists()).isEqualTo(1);
    assertThat(claims.of("other")).isEmpty();
  }

  @Test
  void backgroundVerificationReportsAWriterPodThatStartedBeforeTheModelsPod() throws Exception {
    // The writer ran first (nothing to refuse then); the model's pod came after.
    ObjectNode writerPod =
        (ObjectNode)
            YAML.readTree(
                "apiVersion: v1\nkind: Pod\nmetadata: {name: trainer, namespace: ml, labels: {app: trainer}}\n"
                    + "spec:\n  containers: [{name: trainer, image: python:3.12, volumeMounts: [{name: data, mountPath: /data}]}]\n"
                    + "  volumes: [{name: data, persistentVolumeClaim: {claimName: models}}]\n");
    writerPod.putObject("status").put("phase", "Running");
    create(writerPod);
    createServingPod("llama-server-0", "models", "Running");
    harness.verifiedClaims = new ClusterVerifiedClaims(client, Duration.ofSeconds(5), clock);
    RecordingReportSink sink = new RecordingReportSink();

    new BackgroundScan(
            new ClusterPods(client),
            harness.service(),
            sink,
            workers,
            Duration.ofSeconds(30),
            Clock.systemUTC())
        .run();

    List<PolicyReportResult> trainer =
        sink.replaced.stream()
            .filter(w -> w.workload().name().equals("trainer"))
            .flatMap(w -> VerdictResults.of(w).stream())
            .toList();
    assertThat(trainer)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.result()).isEqualTo(PolicyResult.WARN);
              assertThat(r.properties())
                  .containsEntry("reasons", "MODEL_CLAIM_WRITER")
                  .containsEntry("evaluation", "scan");
            });
  }
}
