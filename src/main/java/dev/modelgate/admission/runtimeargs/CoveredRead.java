package dev.modelgate.admission.runtimeargs;

import java.util.Objects;

/**
 * A runtime argument naming a path inside a model found in the pod: model {@code model}, at {@code
 * inModel} below the model's directory ("" for the directory itself), read by {@code container}
 * through {@code flag} with {@code value}.
 */
public record CoveredRead(
    String model, String inModel, String container, String flag, String value) {
  public CoveredRead {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(inModel, "inModel");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(flag, "flag");
    Objects.requireNonNull(value, "value");
  }
}
