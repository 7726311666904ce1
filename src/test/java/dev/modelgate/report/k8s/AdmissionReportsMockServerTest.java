package dev.modelgate.report.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.admission.AdmissionReports;
import dev.modelgate.admission.AdmissionRequest;
import dev.modelgate.report.BatchingReportWriter;
import dev.modelgate.report.ObjectReference;
import dev.modelgate.report.PolicyReport;
import dev.modelgate.report.PolicyReportJson;
import dev.modelgate.report.PolicyReportResult;
import dev.modelgate.report.PolicyReportSink;
import dev.modelgate.report.PolicyResult;
import dev.modelgate.report.WorkloadVerdicts;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.ManualClock;
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
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admissions through the real admission service reach the PolicyReports on the CRUD mock server:
 * Audit and Warn outcomes of admitted workloads, batched; never dry runs, denials, Enforce verdicts
 * or the replicas of a reviewed controller.
 */
@EnableKubernetesMockClient(crud = true)
class AdmissionReportsMockServerTest {
  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir Path tmp;
  SignedModel signed;
  AdmissionHarness harness;
  BatchingReportWriter writer;
  final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:30:00Z"));

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("models")));
    harness = new AdmissionHarness(tmp);
    writer =
        new BatchingReportWriter(
            new KubernetesReportStore(client),
            new BatchingReportWriter.Settings(Duration.ofHours(1), 10_000, 50_000),
            BatchingReportWriter.Observer.NONE);
    harness.reports = new AdmissionReports(writer, clock);
  }

  private String pod(String name) {
    return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: "
        + name
        + "\n  namespace: ml\n  annotations:\n    model.modelgate.dev/llm: file://"
        + signed.model
        + "\nspec:\n  containers: [{name: server, image: server}]\n";
  }

  private PolicyReport stored() {
    GenericKubernetesResource r =
        client
            .genericKubernetesResources(KubernetesReportStore.NAMESPACED)
            .inNamespace("ml")
            .withName("modelgate")
            .get();
    return r == null ? null : PolicyReportJson.parse(client.getKubernetesSerialization().asJson(r));
  }

  private long reportWrites() throws InterruptedException {
    long n = 0;
    RecordedRequest r;
    while ((r = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
      if (r.getPath().contains("policyreports") && !r.getMethod().equals("GET")) {
        n++;
      }
    }
    return n;
  }

  @Test
  void hundredAuditAdmissionsAreOneReportWrite() throws Exception {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy("audited", "Audit", "file://**", signed.publicKey, ""));
    TestModels.write(signed.model.resolve("extra.bin"), "x");
    var service = harness.service();
    reportWrites();

    for (int i = 0; i < 100; i++) {
      AdmissionOutcome o =
          service.review(AdmissionHarness.create(pod("llm-" + i)), Instant.now().plusSeconds(10));
      assertThat(o.allowed()).isTrue();
    }
    writer.flush();

    assertThat(reportWrites()).isEqualTo(1);
    PolicyReport report = stored();
    assertThat(report.results()).hasSize(100);
    assertThat(report.summary().fail()).isEqualTo(100);
    PolicyReportResult first = report.results().get(0);
    assertThat(first.properties())
        .containsEntry("mode", "Audit")
        .containsEntry("reasons", "UNSIGNED_FILE")
        .containsEntry("evaluation", "admission");
    assertThat(first.timestamp()).isEqualTo(clock.instant());
  }

  @Test
  void aSinkThatFailsNeverChangesTheAnswer() {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy("audited", "Audit", "file://**", signed.publicKey, ""));
    harness.reports =
        new AdmissionReports(
            new PolicyReportSink() {
              @Override
              public void merge(WorkloadVerdicts v) {
                throw new IllegalStateException("report queue broken");
              }

              @Override
              public void replace(WorkloadVerdicts v) {}

              @Override
              public void remove(ObjectReference workload) {}

              @Override
              public void retainOnly(Collection<ObjectReference> workloads) {}

              @Override
              public void flush() {}
            },
            clock);

    AdmissionOutcome o = harness.review(AdmissionHarness.create(pod("llm-0")));

    assertThat(o.allowed()).isTrue();
  }

  @Test
  void warnModeAdmissionIsWrittenAsWarn() {
    harness.policy(
        "p.yaml", AdmissionHarness.keyPolicy("warned", "Warn", "file://**", signed.publicKey, ""));
    TestModels.write(signed.model.resolve("extra.bin"), "x");

    harness.review(AdmissionHarness.create(pod("llm-0")));
    writer.flush();

    assertThat(stored().results())
        .singleElement()
        .satisfies(r -> assertThat(r.result()).isEqualTo(PolicyResult.WARN));
  }

  @Test
  void dryRunsMutateReviewsDenialsEnforceVerdictsAndControlledReplicasAreNotWritten() {
    harness.policy(
        "a.yaml",
        AdmissionHarness.keyPolicy("audited", "Audit", "file://**", signed.publicKey, ""));
    harness.policy(
        "e.yaml",
        AdmissionHarness.keyPolicy("enforced", "Enforce", "file://**", signed.publicKey, ""));
    AdmissionRequest replica = AdmissionHarness.create(pod("llm-abc12"));
    ((ObjectNode) replica.object().path("metadata"))
        .putArray("ownerReferences")
        .addObject()
        .put("apiVersion", "apps/v1")
        .put("kind", "ReplicaSet")
        .put("name", "llm-5d4f")
        .put("uid", "b1")
        .put("controller", true);

    harness.review(AdmissionHarness.dryRun(AdmissionHarness.create(pod("dry"))));
    // /mutate is answered before /validate and other webhooks: its allow is not an admission.
    harness
        .service()
        .review(AdmissionHarness.create(pod("mutated")), Instant.now().plusSeconds(10), true);
    harness.review(replica);
    harness.review(AdmissionHarness.create(pod("admitted")));
    TestModels.write(signed.model.resolve("extra.bin"), "x");
    AdmissionOutcome denied = harness.review(AdmissionHarness.create(pod("denied")));
    writer.flush();

    assertThat(denied.allowed()).isFalse();
    assertThat(stored().results())
        .as("only the admitted pod, and only its Audit verdict")
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.subject().orElseThrow().name()).isEqualTo("admitted");
              assertThat(r.policy()).isEqualTo("ClusterModelPolicy/audited");
              assertThat(r.result()).isEqualTo(PolicyResult.PASS);
            });
  }
}
