package dev.modelgate.runtime;

import dev.modelgate.certs.CertificateIssuer;
import dev.modelgate.certs.CertificateLifetimes;
import dev.modelgate.certs.RenewalPlan;
import dev.modelgate.certs.ServedCertificate;
import dev.modelgate.certs.k8s.ReplicaCertificateProbe;
import dev.modelgate.certs.k8s.SelfManagedCertificates;
import dev.modelgate.certs.k8s.WebhookCertificates;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.runtime.options.TlsCertificateReloader;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Keeps the HTTPS certificate current without a restart. With {@code modelgate.webhook-tls.secret}
 * the certificate comes from that Secret ({@link SelfManagedCertificates}); otherwise the served
 * files ({@code serve --tls-cert/--tls-key}, or a mounted cert-manager Secret) are watched and
 * reloaded when they change. Either way the Vert.x server gets the new certificate through Quarkus'
 * reloader, which updates the server's SSL options: new connections get the new certificate, open
 * ones are not dropped.
 */
@Singleton
public class WebhookTls {
  private static final Logger log = Logger.getLogger(WebhookTls.class);

  private ServedCertificate served;
  private SelfManagedCertificates selfManaged;
  private ScheduledExecutorService fileWatch;

  void onStart(
      @Observes StartupEvent event,
      ModelGateConfig config,
      Instance<KubernetesClient> client,
      MeterRegistry metrics) {
    var cfg = ConfigProvider.getConfig();
    Path cert = Path.of(first(cfg.getValue(SelfSignedTlsConfigSource.CERT, String.class)));
    Path key = Path.of(first(cfg.getValue(SelfSignedTlsConfigSource.KEY, String.class)));
    String certSource = cfg.getConfigValue(SelfSignedTlsConfigSource.CERT).getSourceName();
    served =
        new ServedCertificate(
            cert,
            key,
            () -> TlsCertificateReloader.reload().toCompletableFuture().get(30, TimeUnit.SECONDS));
    Gauge.builder(
            "modelgate.tls.certificate.expiry",
            served,
            s ->
                s.loaded()
                    .map(l -> (double) l.certificate().getNotAfter().toInstant().getEpochSecond())
                    .orElse(Double.NaN))
        .description("notAfter of the served certificate, Unix seconds")
        .register(metrics);
    var tls = config.webhookTls();
    if (tls.secret().isPresent()) {
      if (!new SelfSignedTlsConfigSource().getName().equals(certSource)) {
        throw new IllegalStateException(
            "modelgate.webhook-tls.secret (self-managed certificates) cannot be combined with --tls-cert/--tls-key ("
                + SelfSignedTlsConfigSource.CERT
                + " from "
                + certSource
                + "): choose one");
      }
      String namespace =
          tls.namespace()
              .or(() -> Optional.ofNullable(System.getenv("POD_NAMESPACE")))
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "modelgate.webhook-tls.namespace is not set and POD_NAMESPACE is not in the environment"));
      String identity =
          tls.identity()
              .or(() -> Optional.ofNullable(System.getenv("POD_NAME")))
              .orElseGet(WebhookTls::hostName);
      List<String> dnsNames =
          List.of(
              tls.service() + "." + namespace + ".svc",
              tls.service() + "." + namespace + ".svc.cluster.local");
      KubernetesClient k = client.get();
      WebhookCertificates objects =
          new WebhookCertificates(
              k,
              new WebhookCertificates.Names(
                  namespace, tls.secret().get(), tls.validatingWebhook(), tls.mutatingWebhook()));
      RenewalPlan plan =
          new RenewalPlan(
              Clock.systemUTC(),
              new CertificateIssuer(Clock.systemUTC(), CertificateLifetimes.DEFAULT),
              dnsNames);
      selfManaged =
          new SelfManagedCertificates(
              k,
              objects,
              plan,
              new ReplicaCertificateProbe(
                  k, namespace, tls.service(), dnsNames.get(0), Duration.ofSeconds(3)),
              served,
              tls.lease(),
              identity,
              tls.checkPeriod(),
              tls.syncPeriod());
      Gauge.builder("modelgate.tls.leader", selfManaged, s -> s.leading() ? 1 : 0)
          .description("1 on the replica that writes the webhook certificates")
          .register(metrics);
      selfManaged.start();
      log.infof(
          "webhook certificates self-managed in Secret %s/%s for %s (Lease %s, identity %s)",
          namespace, tls.secret().get(), dnsNames.get(0), tls.lease(), identity);
      return;
    }
    served.startedWithFiles(
        certSource.equals(new SelfSignedTlsConfigSource().getName())
            ? "self-signed at start"
            : "files " + cert);
    fileWatch =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "modelgate-tls-files");
              t.setDaemon(true);
              return t;
            });
    long period = config.tlsFileCheckPeriod().toMillis();
    fileWatch.scheduleWithFixedDelay(
        served::reloadIfFilesChanged, period, period, TimeUnit.MILLISECONDS);
  }

  void onStop(@Observes ShutdownEvent event) {
    if (selfManaged != null) {
      selfManaged.close();
    }
    if (fileWatch != null) {
      fileWatch.shutdownNow();
    }
  }

  /** The served certificate, once the server has one it should answer with. */
  public Optional<ServedCertificate.Loaded> ready() {
    if (served == null) {
      return Optional.empty();
    }
    return served.loaded().filter(l -> selfManaged == null || l.origin().startsWith("Secret"));
  }

  public boolean selfManaged() {
    return selfManaged != null;
  }

  private static String first(String commaList) {
    return commaList.split(",")[0].trim();
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "modelgate-" + ProcessHandle.current().pid();
    }
  }
}
