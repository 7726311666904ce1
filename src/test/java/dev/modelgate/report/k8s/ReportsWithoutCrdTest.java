package dev.modelgate.report.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.policy.Mode;
import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.report.BatchingReportWriter;
import dev.modelgate.report.Evaluation;
import dev.modelgate.report.ObjectReference;
import dev.modelgate.report.WorkloadVerdicts;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelUri;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reports are an output, not a gate: without the wgpolicyk8s.io CRDs, or with an API server that
 * fails, the writer never throws, warns once, and keeps (or drops) the batch as it says.
 */
@EnableKubernetesMockClient
class ReportsWithoutCrdTest {
  static final String NOT_FOUND =
      "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"the server"
          + " could not find the requested resource\",\"reason\":\"NotFound\",\"code\":404}";

  KubernetesMockServer server;
  KubernetesClient client;
  final List<LogRecord> logged = new ArrayList<>();
  final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          logged.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureLog() {
    Logger.getLogger(BatchingReportWriter.class.getName()).addHandler(capture);
  }

  @AfterEach
  void releaseLog() {
    Logger.getLogger(BatchingReportWriter.class.getName()).removeHandler(capture);
  }

  private static WorkloadVerdicts verdicts(String pod) {
    ModelReference model =
        new ModelReference(
            "llm",
            ModelUri.parse("oci://registry.example/models/llm@sha256:" + "ab".repeat(32)),
            "",
            "spec.volumes[0].image.reference");
    return new WorkloadVerdicts(
        ObjectReference.of("v1", "Pod", "ml", pod, ""),
        List.of(ModelVerdict.of(model, "ClusterModelPolicy/p", Mode.AUDIT, List.of())),
        Instant.parse("2026-12-01T10:30:00Z"),
        Evaluation.ADMISSION);
  }

  @Test
  void missingCrdIsOneWarningAndNoReportsUntilItAppears() {
    String path = "/apis/wgpolicyk8s.io/v1alpha2/namespaces/ml/policyreports";
    server.expect().get().withPath(path + "/modelgate").andReturn(404, NOT_FOUND).always();
    server.expect().post().withPath(path).andReturn(404, NOT_FOUND).always();
    List<BatchingReportWriter.Outcome> outcomes = new ArrayList<>();
    BatchingReportWriter w =
        new BatchingReportWriter(
            new KubernetesReportStore(client),
            BatchingReportWriter.Settings.DEFAULT,
            (o, n) -> outcomes.add(o));

    w.merge(verdicts("a"));
    w.flush();
    w.merge(verdicts("b"));
    w.flush();

    assertThat(outcomes)
        .containsExactly(BatchingReportWriter.Outcome.NO_CRD, BatchingReportWriter.Outcome.NO_CRD);
    assertThat(w.reportsAvailable()).isFalse();
    assertThat(w.queued()).as("nothing piles up for a CRD that is not there").isZero();
    assertThat(logged)
        .filteredOn(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.getMessage())
                    .contains("PolicyReport and ClusterPolicyReport CRDs are not installed")
                    .contains("keeps admitting"));
  }

  @Test
  void failingApiServerKeepsTheBatchForTheNextFlush() {
    server
        .expect()
        .get()
        .withPath("/apis/wgpolicyk8s.io/v1alpha2/namespaces/ml/policyreports/modelgate")
        .andReturn(503, "{\"kind\":\"Status\",\"code\":503}")
        .always();
    List<BatchingReportWriter.Outcome> outcomes = new ArrayList<>();
    BatchingReportWriter w =
        new BatchingReportWriter(
            new KubernetesReportStore(client),
            new BatchingReportWriter.Settings(Duration.ofHours(1), 100, 100),
            (o, n) -> outcomes.add(o));

    w.merge(verdicts("a"));
    w.merge(verdicts("b"));
    w.flush();

    assertThat(outcomes).containsExactly(BatchingReportWriter.Outcome.ERROR);
    assertThat(w.queued()).isEqualTo(2);
    assertThat(w.reportsAvailable()).isTrue();
  }
}
