package dev.modelgate.policy;

import dev.modelgate.core.Failure;
import dev.modelgate.source.ModelReference;
import java.util.List;

/**
 * What admission can decide about a model on a volume, which the webhook cannot read: that the
 * pod mounts it, that the verifying init container will check it against this policy before any
 * app container runs, and that no app container can write to it when the policy says so.
 */
public interface VolumeCheck {
  /** Denies every volume model: nothing would verify it. */
  VolumeCheck NONE = (model, policy) -> List.of(Failure.of(dev.modelgate.core.Reason.MODEL_SOURCE_UNSUPPORTED,
      "%s models are verified on the volume by an init container, which is not available here", model.uri().scheme().prefix()));

  List<Failure> check(ModelReference model, CompiledPolicy policy);
}
