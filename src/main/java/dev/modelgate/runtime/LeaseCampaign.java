package dev.modelgate.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Campaigning for a Lease with fabric8's leader elector, with the timings Kubernetes' own
 * controllers use (kube-controller-manager defaults: 15 s lease, 10 s renew deadline, 2 s retry)
 * and the Lease released when the campaign is cancelled, so another replica takes over at once on
 * shutdown.
 */
final class LeaseCampaign {
  static final Duration LEASE_DURATION = Duration.ofSeconds(15);
  static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
  static final Duration RETRY_PERIOD = Duration.ofSeconds(2);

  private LeaseCampaign() {}

  /** Starts campaigning; cancel the returned future to stop (and release the Lease). */
  static CompletableFuture<?> start(
      KubernetesClient client,
      String name,
      String namespace,
      String lease,
      String identity,
      Runnable startLeading,
      Runnable stopLeading,
      Consumer<String> newLeader) {
    return client
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
  }
}
