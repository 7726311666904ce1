package dev.modelgate.verify;

import dev.modelgate.oms.HashProgress;
import dev.modelgate.source.DownloadSelection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One question: is the model at {@code model} exactly what {@code signature} says, per the options.
 * With a {@code selection} (a download restricted to some files) the question is about the part
 * downloaded: every file present is signed and matches, and every signed file the selection picks
 * is present ({@link ContentCheck}).
 */
public record VerificationRequest(
    Path model,
    Path signature,
    VerifyOptions options,
    HashProgress progress,
    Optional<DownloadSelection> selection) {
  public VerificationRequest {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(selection, "selection");
  }

  public VerificationRequest(
      Path model, Path signature, VerifyOptions options, HashProgress progress) {
    this(model, signature, options, progress, Optional.empty());
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
