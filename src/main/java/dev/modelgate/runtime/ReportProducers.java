package dev.modelgate.runtime;

import dev.modelgate.report.BatchingReportWriter;
import dev.modelgate.report.PolicyReportSink;
import dev.modelgate.report.k8s.KubernetesReportStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * The {@link PolicyReportSink} of the server (docs/reports.md): in Kubernetes mode a batching
 * writer to {@code wgpolicyk8s.io/v1alpha2} PolicyReports, with its metrics; otherwise none. The
 * admission path and the background scan share it.
 */
public class ReportProducers {
  private static final Logger log = Logger.getLogger(ReportProducers.class);

  @Produces
  @Singleton
  PolicyReportSink reports(
      ModelGateConfig config, Instance<KubernetesClient> client, MeterRegistry metrics) {
    ModelGateConfig.Reports settings = config.reports();
    if (!settings.enabled().orElse(config.source().equals("kubernetes"))) {
      return PolicyReportSink.NONE;
    }
    BatchingReportWriter writer =
        new BatchingReportWriter(
            new KubernetesReportStore(client.get()),
            new BatchingReportWriter.Settings(
                settings.flushInterval(), settings.flushAt(), settings.maxQueued()),
            (outcome, results) ->
                Counter.builder("modelgate.reports.writes")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                    .register(metrics)
                    .increment());
    Gauge.builder("modelgate.reports.queued", writer, BatchingReportWriter::queued)
        .description("Report results waiting to be written")
        .register(metrics);
    Gauge.builder("modelgate.reports.available", writer, w -> w.reportsAvailable() ? 1 : 0)
        .description("1 while PolicyReports can be written, 0 after a write found no CRD")
        .register(metrics);
    log.infof(
        "policy reports: written every %s (or at %d queued results)",
        settings.flushInterval(), settings.flushAt());
    return writer.start();
  }

  /** Writes what is queued before the server stops. */
  void close(@Disposes PolicyReportSink sink) {
    if (sink instanceof BatchingReportWriter) {
      ((BatchingReportWriter) sink).close();
    }
  }
}
