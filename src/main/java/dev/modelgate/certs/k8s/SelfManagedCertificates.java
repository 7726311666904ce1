package dev.modelgate.certs.k8s;

import dev.modelgate.certs.RenewalPlan;
import dev.modelgate.certs.RenewalPlan.Action;
import dev.modelgate.certs.RenewalPlan.Observations;
import dev.modelgate.certs.RenewalPlan.Step;
import dev.modelgate.certs.ServedCertificate;
import dev.modelgate.certs.k8s.WebhookCertificates.SecretRead;
import dev.modelgate.core.k8s.LeaseCampaign;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Webhook certificates without cert-manager. Every replica reads the TLS Secret every {@code
 * syncPeriod} and serves the certificate in it; the one replica holding the Lease also decides
 * ({@link RenewalPlan}) and writes: the Secret first, then the caBundle of both webhook
 * configurations, one step per {@code checkPeriod}, so each step of a CA rotation is visible to the
 * API server and to every replica before the next.
 */
public final class SelfManagedCertificates implements AutoCloseable {
  private static final Logger log = Logger.getLogger(SelfManagedCertificates.class);

  private final KubernetesClient client;
  private final WebhookCertificates objects;
  private final RenewalPlan plan;
  private final ReplicaCertificateProbe probe;
  private final ServedCertificate served;
  private final String lease;
  private final String identity;
  private final Duration checkPeriod;
  private final Duration syncPeriod;
  private final ScheduledExecutorService scheduler =
      Executors.newScheduledThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "modelgate-webhook-tls");
            t.setDaemon(true);
            return t;
          });
  private final AtomicLong renewals = new AtomicLong();
  private volatile boolean leading;
  private volatile ScheduledFuture<?> leaderWork;
  private volatile CompletableFuture<?> election;

  public SelfManagedCertificates(
      KubernetesClient client,
      WebhookCertificates objects,
      RenewalPlan plan,
      ReplicaCertificateProbe probe,
      ServedCertificate served,
      String lease,
      String identity,
      Duration checkPeriod,
      Duration syncPeriod) {
    this.client = client;
    this.objects = objects;
    this.plan = plan;
    this.probe = probe;
    this.served = served;
    this.lease = lease;
    this.identity = identity;
    this.checkPeriod = checkPeriod;
    this.syncPeriod = syncPeriod;
  }

  public boolean leading() {
    return leading;
  }

  /** Writes made by this replica as leader (certificates created, renewed or rotated). */
  public long renewals() {
    return renewals.get();
  }

  /** Starts following the Secret and campaigning for the Lease. */
  public void start() {
    scheduler.scheduleWithFixedDelay(
        this::syncQuietly, 0, syncPeriod.toMillis(), TimeUnit.MILLISECONDS);
    election =
        LeaseCampaign.start(
            client,
            "modelgate-webhook-tls",
            objects.names().namespace(),
            lease,
            identity,
            this::startLeading,
            this::stopLeading,
            leader -> {
              if (leader != null && !leader.isEmpty()) {
                log.infof("webhook certificate leader is %s", leader);
              }
            });
  }

  private void startLeading() {
    leading = true;
    log.infof(
        "%s leads webhook certificates (Lease %s/%s)",
        identity, objects.names().namespace(), lease);
    leaderWork =
        scheduler.scheduleWithFixedDelay(
            this::reconcileQuietly, 0, checkPeriod.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void stopLeading() {
    leading = false;
    ScheduledFuture<?> w = leaderWork;
    if (w != null) {
      w.cancel(false);
    }
    log.infof("%s no longer leads webhook certificates", identity);
  }

  private void reconcileQuietly() {
    try {
      reconcile();
    } catch (KubernetesClientException e) {
      log.warnf(
          "webhook certificates not reconciled this time (HTTP %d): %s",
          e.getCode(), e.getMessage());
    } catch (RuntimeException e) {
      log.errorf(e, "webhook certificates not reconciled this time");
    }
  }

  private void syncQuietly() {
    try {
      sync();
    } catch (KubernetesClientException e) {
      log.warnf(
          "the webhook TLS Secret %s/%s cannot be read (HTTP %d): %s",
          objects.names().namespace(), objects.names().secret(), e.getCode(), e.getMessage());
    } catch (Exception e) {
      log.errorf(e, "the certificate from the webhook TLS Secret cannot be served");
    }
  }

  /**
   * The leader's step: decide, write the Secret, then make both webhook configurations trust its
   * CAs.
   */
  public Step reconcile() {
    SecretRead read = objects.read();
    read.problem()
        .ifPresent(
            p ->
                log.warnf(
                    "the webhook TLS Secret %s/%s is unusable and will be replaced: %s",
                    objects.names().namespace(), objects.names().secret(), p));
    Observations seen =
        new Observations(
            objects.injectedAuthorities(),
            read.state().isPresent() && read.state().get().retiringAuthority().isPresent()
                ? probe.servedByReadyReplicas()
                : Optional.empty());
    Step step = plan.next(read.state(), seen);
    if (step.action() != Action.NONE) {
      objects.write(read, step.state());
      renewals.incrementAndGet();
      log.infof("webhook certificates: %s (%s)", step.action(), step.reason());
    } else {
      log.debugf("webhook certificates: %s", step.reason());
    }
    int changed = objects.inject(step.state().caBundle());
    if (changed > 0) {
      log.infof(
          "caBundle of %d webhook configuration(s) set to %d CA(s)",
          changed, step.state().trustedAuthorities().size());
    }
    return step;
  }

  /** Every replica's step: serve what the Secret holds. */
  public void sync() throws Exception {
    SecretRead read = objects.read();
    if (read.state().isPresent()) {
      served.install(
          read.state().get().serving(),
          "Secret " + objects.names().namespace() + "/" + objects.names().secret());
    }
  }

  @Override
  public void close() {
    CompletableFuture<?> e = election;
    if (e != null) {
      e.cancel(true);
    }
    scheduler.shutdownNow();
  }
}
