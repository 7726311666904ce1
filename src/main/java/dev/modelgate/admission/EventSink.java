package dev.modelgate.admission;

/**
 * Where denials and warnings are reported as Kubernetes Events on the workload. Never called for
 * dry runs. The embedded mode has none.
 */
public interface EventSink {
  EventSink NONE = (request, outcome) -> {};

  void record(AdmissionRequest request, AdmissionOutcome outcome);
}
