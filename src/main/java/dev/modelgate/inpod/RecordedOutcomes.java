package dev.modelgate.inpod;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.source.ModelReference;
import dev.modelgate.trust.Signer;
import dev.modelgate.trust.SigningMethod;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Models on volumes are verified inside each pod by ModelGate's init container, not by the server:
 * their result today is what that container recorded ({@link VerifierOutcome}) in the pod's status.
 * Read strictly: no status, no termination message, an unreadable record, a record about another
 * model, or one without the policy asked about is VERIFIER_OUTCOME_UNKNOWN (an error), never a
 * pass. A policy added or changed after the pod started is not in its record: the bytes on the
 * volume can only be checked again by the pod (restart it).
 */
public final class RecordedOutcomes {
  private RecordedOutcomes() {}

  /** What one pod's verifier recorded for the pair. */
  public static ModelVerdict ofPod(ModelVerdict admission, JsonNode pod) {
    ModelReference model = admission.model();
    String container = VerifierContainer.name(model);
    JsonNode meta = pod.path("metadata");
    String where =
        "pod "
            + meta.path("namespace").asText("")
            + "/"
            + meta.path("name").asText("")
            + ": init container "
            + container;
    JsonNode terminated = terminated(pod, container);
    if (terminated == null) {
      return unknown(admission, where + " has not finished, so it has recorded no outcome");
    }
    String message = terminated.path("message").asText("");
    if (message.isBlank()) {
      return unknown(
          admission,
          where
              + " recorded no outcome (empty termination message: a verifier that predates background verification?)");
    }
    VerifierOutcome recorded;
    try {
      recorded = VerifierOutcome.parse(message);
    } catch (InvalidInputException e) {
      return unknown(admission, where + ": " + e.getMessage());
    }
    if (!recorded.model().equals(VerifierOutcome.recordedForm(model.name()))
        || !recorded.uri().equals(VerifierOutcome.recordedForm(model.uri().toString()))) {
      return unknown(
          admission,
          where
              + " recorded an outcome for model '"
              + recorded.model()
              + "' ("
              + recorded.uri()
              + "), not for this one");
    }
    for (VerifierOutcome.Result r : recorded.results()) {
      if (admission.policy().filter(r.policy()::equals).isPresent()) {
        int exitCode = terminated.path("exitCode").asInt(-1);
        if (r.passed() && exitCode != 0) {
          // A pass is the record and the exit code together: the kubelet starts the model server
          // only after the verifier exits 0 (a Warn-mode failure exits 0 too).
          return unknown(
              admission,
              where + " recorded a pass but exited with code " + terminated.path("exitCode"));
        }
        return verdict(admission, where, r);
      }
    }
    return unknown(
        admission,
        recorded.more() > 0
            ? where + " recorded too many results to keep the one for " + admission.policy()
            : where
                + " verified the model at pod start without "
                + admission.policy().orElse("(no policy)")
                + ", which matches it now: restart the pod to verify it against this policy");
  }

  private static ModelVerdict verdict(
      ModelVerdict admission, String where, VerifierOutcome.Result r) {
    Optional<Signer> signer =
        r.signer()
            .map(
                identity ->
                    new Signer(
                        r.method()
                            .map(m -> SigningMethod.valueOf(m.toUpperCase(Locale.ROOT)))
                            .orElse(SigningMethod.KEY),
                        identity,
                        "",
                        List.of()));
    List<Failure> failures =
        r.passed()
            ? List.of()
            : List.of(
                Failure.of(
                    r.reason().orElse(Reason.VERIFIER_OUTCOME_UNKNOWN),
                    "%s recorded: %s",
                    where,
                    r.message().isEmpty() ? r.reason().orElseThrow().code() : r.message()));
    return new ModelVerdict(
        admission.model(),
        admission.policy(),
        admission.mode(),
        signer,
        admission.authorities(),
        failures,
        Optional.empty(),
        List.of(),
        List.of(),
        Optional.empty());
  }

  private static ModelVerdict unknown(ModelVerdict admission, String message) {
    return new ModelVerdict(
        admission.model(),
        admission.policy(),
        admission.mode(),
        Optional.empty(),
        List.of(),
        List.of(Failure.of(Reason.VERIFIER_OUTCOME_UNKNOWN, "%s", message)),
        Optional.empty(),
        List.of(),
        List.of(),
        Optional.empty());
  }

  /**
   * The init container's last termination: {@code state.terminated}, else {@code
   * lastState.terminated} (a container being restarted); null when there is none.
   */
  private static JsonNode terminated(JsonNode pod, String container) {
    for (JsonNode s : pod.path("status").path("initContainerStatuses")) {
      if (!container.equals(s.path("name").asText())) {
        continue;
      }
      JsonNode now = s.path("state").path("terminated");
      if (now.isObject()) {
        return now;
      }
      JsonNode last = s.path("lastState").path("terminated");
      return last.isObject() ? last : null;
    }
    return null;
  }
}
