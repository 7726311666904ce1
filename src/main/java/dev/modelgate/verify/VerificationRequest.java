package dev.modelgate.verify;

import dev.modelgate.oms.HashProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One question: is the model at {@code model} exactly what {@code signature} says, per the options.
 */
public record VerificationRequest(
    Path model, Path signature, VerifyOptions options, HashProgress progress) {
  public VerificationRequest {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(progress, "progress");
  }

  /**
   * Where OMS looks for the signature by default: {@code model.sig} in the model directory, or
   * beside a single-file model.
   */
  public static Path defaultSignature(Path model) {
    Path dir = Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
    return dir.resolve("model.sig");
  }
}
