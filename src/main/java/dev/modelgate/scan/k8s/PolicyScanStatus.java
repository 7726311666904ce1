package dev.modelgate.scan.k8s;

import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.crd.ClusterModelPolicy;
import dev.modelgate.policy.crd.ModelPolicy;
import dev.modelgate.policy.crd.ModelPolicySpec;
import dev.modelgate.policy.crd.PolicyStatus;
import dev.modelgate.policy.crd.ScanStatus;
import dev.modelgate.scan.PolicySummary;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Writes each policy's {@code status.scan} (workloads passing, failing, warned, in error; last scan
 * time) after a scan. A policy is written only when its counts changed, or when the time it shows
 * is older than {@code refreshAfter} (so {@code lastScanTime} is at most that stale and a burst of
 * triggered scans with the same result writes nothing). The Ready condition and observedGeneration,
 * which the policy store writes, are kept as they are. A policy that matched no running workload
 * shows zeros.
 */
public final class PolicyScanStatus {
  private static final Logger log = Logger.getLogger(PolicyScanStatus.class);

  private final KubernetesClient client;
  private final Duration refreshAfter;

  public PolicyScanStatus(KubernetesClient client, Duration refreshAfter) {
    this.client = client;
    this.refreshAfter = refreshAfter;
  }

  /** Returns how many policies were written. */
  public int write(
      List<CompiledPolicy> policies, Map<String, PolicySummary> summaries, Instant at) {
    int written = 0;
    for (CompiledPolicy p : policies) {
      PolicySummary s = summaries.getOrDefault(p.displayName(), new PolicySummary(0, 0, 0, 0, at));
      ScanStatus wanted =
          new ScanStatus(s.passing(), s.failing(), s.warned(), s.errors(), at.toString());
      try {
        if (p.kind().equals("ClusterModelPolicy")) {
          written +=
              write(client.resources(ClusterModelPolicy.class).withName(p.name()), wanted, at);
        } else if (p.kind().equals("ModelPolicy")) {
          written +=
              write(
                  client.resources(ModelPolicy.class).inNamespace(p.namespace()).withName(p.name()),
                  wanted,
                  at);
        }
      } catch (KubernetesClientException e) {
        log.warnf(
            "scan status of %s cannot be written (HTTP %d): %s",
            p.displayName(), e.getCode(), e.getMessage());
      }
    }
    return written;
  }

  private <T extends CustomResource<ModelPolicySpec, PolicyStatus>> int write(
      Resource<T> op, ScanStatus wanted, Instant at) {
    // One retry: the policy store may write the Ready condition between the read and the write.
    for (int attempt = 0; ; attempt++) {
      T current = op.get();
      if (current == null || upToDate(current.getStatus(), wanted, at)) {
        return 0;
      }
      PolicyStatus status = current.getStatus() == null ? new PolicyStatus() : current.getStatus();
      status.scan = wanted;
      current.setStatus(status);
      try {
        op.updateStatus(current);
        return 1;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt > 0) {
          throw e;
        }
      }
    }
  }

  private boolean upToDate(PolicyStatus status, ScanStatus wanted, Instant at) {
    if (status == null
        || status.scan == null
        || !status.scan.sameCounts(wanted)
        || status.scan.lastScanTime == null) {
      return false;
    }
    try {
      return !Instant.parse(status.scan.lastScanTime).plus(refreshAfter).isBefore(at);
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
