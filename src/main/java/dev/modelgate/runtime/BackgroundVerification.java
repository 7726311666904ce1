package dev.modelgate.runtime;

import dev.modelgate.admission.AdmissionService;
import dev.modelgate.policy.PolicyStore;
import dev.modelgate.report.PolicyReportSink;
import dev.modelgate.scan.BackgroundScan;
import dev.modelgate.scan.k8s.BackgroundScanner;
import dev.modelgate.scan.k8s.ClusterPods;
import dev.modelgate.scan.k8s.PolicyScanStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Starts background verification in a cluster ({@code modelgate.source=kubernetes} and {@code
 * modelgate.scan.enabled}): the scan over the same admission service the webhook uses, on its own
 * bounded pool, elected by its own Lease, triggered by the policy store's changes, with its results
 * in the reports, the metrics and each policy's status.
 */
@Singleton
public class BackgroundVerification {
  private static final Logger log = Logger.getLogger(BackgroundVerification.class);

  private BackgroundScanner scanner;
  private ExecutorService workers;

  void onStart(
      @Observes StartupEvent event,
      ModelGateConfig config,
      AdmissionService admission,
      PolicyStore store,
      PolicyReportSink reports,
      Instance<KubernetesClient> client,
      MeterRegistry metrics) {
    var cfg = config.scan();
    if (!config.source().equals("kubernetes") || !cfg.enabled()) {
      log.debugf("background verification off (source %s)", config.source());
      return;
    }
    String namespace =
        cfg.namespace()
            .or(() -> Optional.ofNullable(System.getenv("POD_NAMESPACE")))
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "modelgate.scan.namespace is not set and POD_NAMESPACE is not in the environment (or set modelgate.scan.enabled=false)"));
    String identity =
        cfg.identity()
            .or(() -> Optional.ofNullable(System.getenv("POD_NAME")))
            .orElseGet(WebhookTls::hostName);
    KubernetesClient k = client.get();
    workers =
        Executors.newFixedThreadPool(
            cfg.concurrency(),
            r -> {
              Thread t = new Thread(r, "modelgate-scan-worker");
              t.setDaemon(true);
              return t;
            });
    BackgroundScan scan =
        new BackgroundScan(
            new ClusterPods(k),
            admission,
            reports,
            workers,
            cfg.workloadTimeout(),
            Clock.systemUTC());
    ScanMetrics scanMetrics = new ScanMetrics(metrics, scan, cfg.maxInventorySeries());
    PolicyScanStatus status = new PolicyScanStatus(k, cfg.interval().dividedBy(2));
    scanner =
        new BackgroundScanner(
            k,
            scan,
            report -> {
              scanMetrics.completed(report);
              status.write(store.policies(), report.policies(), report.finished());
            },
            scanMetrics::failed,
            namespace,
            cfg.lease(),
            identity,
            cfg.interval());
    store.onChange(scanner::request);
    scanner.start();
  }

  void onStop(@Observes ShutdownEvent event) {
    if (scanner != null) {
      scanner.close();
    }
    if (workers != null) {
      workers.shutdownNow();
    }
  }
}
