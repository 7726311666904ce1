package dev.modelgate.core.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Campaigning for a Lease with fabric8's leader elector, with the timings Kubernetes' own
 * controllers use (kube-controller-manager defaults: 15 s lease, 10 s renew deadline, 2 s retry)
 * and the Lease released when the campaign is cancelled, so another replica takes over at once on
 * shutdown.
 */
public final class LeaseCampaign {
  static final Duration LEASE_DURATION = Duration.ofSeconds(15);
  static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
  static final Duration RETRY_PERIOD = Duration.ofSeconds(2);

  private static final Logger log = Logger.getLogger(LeaseCampaign.class);

  private LeaseCampaign() {}

  /**
   * Starts campaigning, for as long as the returned future is not cancelled; cancel it to stop (and
   * release the Lease). fabric8's elector (7.5) ends for good when it loses the Lease, e.g. when it
   * cannot renew within the deadline during an API server hiccup: the campaign then starts a new
   * one, so a replica that lost the Lease once still takes it over later.
   */
  public static CompletableFuture<?> start(
      KubernetesClient client,
      String name,
      String namespace,
      String lease,
      String identity,
      Runnable startLeading,
      Runnable stopLeading,
      Consumer<String> newLeader) {
    CompletableFuture<Void> campaign = new CompletableFuture<>();
    AtomicReference<CompletableFuture<?>> current = new AtomicReference<>();
    Supplier<CompletableFuture<?>> elect =
        () ->
            client
                .leaderElector()
                .withConfig(
                    new LeaderElectionConfigBuilder()
                        .withName(name)
                        .withLock(new LeaseLock(namespace, lease, identity))
                        .withLeaseDuration(LEASE_DURATION)
                        .withRenewDeadline(RENEW_DEADLINE)
                        .withRetryPeriod(RETRY_PERIOD)
                        .withReleaseOnCancel(true)
                        .withLeaderCallbacks(
                            new LeaderCallbacks(startLeading, stopLeading, newLeader::accept))
                        .build())
                .build()
                .start();
    campaign.whenComplete(
        (v, e) -> {
          CompletableFuture<?> c = current.get();
          if (c != null) {
            c.cancel(true);
          }
        });
    elect(campaign, current, elect, lease);
    return campaign;
  }

  private static void elect(
      CompletableFuture<Void> campaign,
      AtomicReference<CompletableFuture<?>> current,
      Supplier<CompletableFuture<?>> elect,
      String lease) {
    if (campaign.isDone()) {
      return;
    }
    CompletableFuture<?> one = elect.get();
    current.set(one);
    if (campaign.isDone()) {
      one.cancel(true);
      return;
    }
    one.whenComplete(
        (v, e) -> {
          if (campaign.isDone()) {
            return;
          }
          if (e != null) {
            log.warnf(
                "campaign for Lease %s ended with %s; campaigning again", lease, e.toString());
          } else {
            log.infof("lost Lease %s; campaigning again", lease);
          }
          CompletableFuture.delayedExecutor(RETRY_PERIOD.toMillis(), TimeUnit.MILLISECONDS)
              .execute(() -> elect(campaign, current, elect, lease));
        });
  }
}
