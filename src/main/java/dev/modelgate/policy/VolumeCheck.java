package dev.modelgate.policy;

import dev.modelgate.core.Failure;
import dev.modelgate.source.ModelReference;
import java.util.List;

/**
 * What admission can decide about a model on a volume, which the webhook cannot read: that the pod
 * mounts it, that the verifying init container will check it against this policy before any app
 * container runs, and that no app container can write to it when the policy says so.
 */
public interface VolumeCheck {
  List<Failure> check(ModelReference model, CompiledPolicy policy);
}
