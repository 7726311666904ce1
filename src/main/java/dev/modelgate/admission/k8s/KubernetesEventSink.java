package dev.modelgate.admission.k8s;

import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.admission.AdmissionRequest;
import dev.modelgate.admission.EventSink;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Reports denials and warnings as Kubernetes Events on the workload, so {@code kubectl describe}
 * and {@code kubectl get events} show why. A failure to write an Event is logged and never changes
 * the answer.
 */
public final class KubernetesEventSink implements EventSink {
  private static final Logger log = Logger.getLogger(KubernetesEventSink.class);

  /** Kubernetes rejects Event messages longer than this. */
  static final int MAX_MESSAGE = 1024;

  private final KubernetesClient client;

  public KubernetesEventSink(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public void record(AdmissionRequest request, AdmissionOutcome outcome) {
    String namespace = request.namespace().isEmpty() ? "default" : request.namespace();
    String message = outcome.denial().orElseGet(() -> String.join(" | ", outcome.warnings()));
    if (message.length() > MAX_MESSAGE) {
      message = message.substring(0, MAX_MESSAGE - 3) + "...";
    }
    String now = Instant.now().toString();
    try {
      client
          .v1()
          .events()
          .inNamespace(namespace)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName("modelgate." + UUID.randomUUID())
                  .withNamespace(namespace)
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withKind(request.kind())
                  .withName(request.name())
                  .withNamespace(namespace)
                  .endInvolvedObject()
                  .withType("Warning")
                  .withReason(outcome.allowed() ? "ModelPolicyWarning" : "ModelPolicyDenied")
                  .withMessage(message)
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withNewSource()
                  .withComponent("modelgate")
                  .endSource()
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      log.warnf(
          "event for %s %s/%s cannot be written: %s",
          request.kind(), namespace, request.name(), e.getMessage());
    }
  }
}
