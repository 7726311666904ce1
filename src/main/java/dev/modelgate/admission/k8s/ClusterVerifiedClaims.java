package dev.modelgate.admission.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.inpod.VerifiedClaims;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The claims models are verified on in a namespace, read from its pods: every pod that is not
 * finished or being deleted and carries a ModelGate verifier on a claim volume ({@link
 * VerifiedClaims#inPod}). Only a review of a workload that mounts a claim writable, in a namespace
 * where a policy applies, asks; the answer is kept for {@link #DEFAULT_TTL} per namespace, so a
 * burst of such pods (a StatefulSet of databases scaling up) costs one list. No informer: holding
 * every pod of the cluster in the webhook's memory is not worth a 5 s window, in which a writer
 * created right after a model pod can still be admitted (background verification reports it). A
 * failed list is never kept: the rule then fails closed (UNAVAILABLE, in each policy's mode and
 * {@code onError}). Needs list on pods, which background verification already has.
 */
public final class ClusterVerifiedClaims implements VerifiedClaims {
  /** How long one namespace's answer is reused. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(5);

  /** Pods per list request (kubectl's default chunk size). */
  static final long PAGE = 500;

  /** Namespaces whose answer is kept at once; beyond that the oldest answers are dropped. */
  static final int MAX_NAMESPACES = 4096;

  private record Answer(Instant at, List<ClaimModel> models) {}

  private final KubernetesClient client;
  private final Duration ttl;
  private final Clock clock;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();

  public ClusterVerifiedClaims(KubernetesClient client) {
    this(client, DEFAULT_TTL, Clock.systemUTC());
  }

  public ClusterVerifiedClaims(KubernetesClient client, Duration ttl, Clock clock) {
    this.client = client;
    this.ttl = ttl;
    this.clock = clock;
  }

  @Override
  public List<ClaimModel> of(String namespace) {
    Instant now = clock.instant();
    Answer kept = answers.get(namespace);
    if (kept != null && kept.at().plus(ttl).isAfter(now)) {
      return kept.models();
    }
    List<ClaimModel> models = List.copyOf(list(namespace));
    if (answers.size() >= MAX_NAMESPACES) {
      answers.entrySet().removeIf(e -> !e.getValue().at().plus(ttl).isAfter(now));
      if (answers.size() >= MAX_NAMESPACES) {
        answers.clear();
      }
    }
    answers.put(namespace, new Answer(now, models));
    return models;
  }

  private List<ClaimModel> list(String namespace) {
    var json = client.getKubernetesSerialization();
    List<ClaimModel> out = new ArrayList<>();
    String next = null;
    do {
      PodList page =
          client
              .pods()
              .inNamespace(namespace)
              .list(new ListOptionsBuilder().withLimit(PAGE).withContinue(next).build());
      for (Pod p : page.getItems()) {
        // A finished pod reads its claim no more; a pending one is about to.
        String phase = p.getStatus() == null ? "" : String.valueOf(p.getStatus().getPhase());
        if (p.getMetadata().getDeletionTimestamp() != null
            || phase.equals("Succeeded")
            || phase.equals("Failed")) {
          continue;
        }
        out.addAll(VerifiedClaims.inPod(json.convertValue(p, JsonNode.class)));
      }
      next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
    return out;
  }
}
