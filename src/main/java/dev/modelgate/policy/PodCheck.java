package dev.modelgate.policy;

import dev.modelgate.core.Failure;
import java.util.List;

/**
 * What the pod must satisfy for a (model, policy) pair wherever the model is verified, given that
 * pair's verdict: the pod may depend on what was verified (a container image whose model directory
 * alone was verified may be mounted only at that directory).
 */
@FunctionalInterface
public interface PodCheck {
  /** No check of the pod beyond the volume rules. */
  PodCheck NONE = (v, p) -> List.of();

  List<Failure> check(ModelVerdict verdict, CompiledPolicy policy);
}
