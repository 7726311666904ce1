package dev.modelgate.admission.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.MissingNode;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.admission.AdmissionRequest;
import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Denials and warnings become Events on the workload, in its namespace (fabric8 CRUD mock server).
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesEventSinkTest {
  KubernetesClient client;

  @Test
  void denialBecomesAWarningEventOnTheWorkload() {
    AdmissionRequest r =
        new AdmissionRequest(
            "admission.k8s.io/v1",
            "u",
            "Deployment",
            "ml",
            "llm",
            "CREATE",
            "",
            false,
            MissingNode.getInstance(),
            MissingNode.getInstance());
    AdmissionOutcome denied =
        AdmissionOutcome.failed(
            "u", Failure.of(Reason.INTERNAL_ERROR, "model 'llm' failed in an unforeseen way"));

    new KubernetesEventSink(client).record(r, denied);

    List<Event> events = client.v1().events().inNamespace("ml").list().getItems();
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getReason()).isEqualTo("ModelPolicyDenied");
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getInvolvedObject().getKind()).isEqualTo("Deployment");
              assertThat(e.getInvolvedObject().getName()).isEqualTo("llm");
              assertThat(e.getMessage()).contains("model 'llm' failed");
            });
  }
}
