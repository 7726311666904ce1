package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.oms.Digest;
import dev.modelgate.trust.Signer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The answer for one model: verified when there are no failures. Signer and root digest are set
 * once the signature held; file and byte counts once content was checked.
 */
public final class VerificationResult {
  private final Path model;
  private final Signer signer;
  private final Digest rootDigest;
  private final long files;
  private final long bytes;
  private final List<Failure> failures;

  VerificationResult(Path model, Signer signer, Digest rootDigest, long files, long bytes, List<Failure> failures) {
    this.model = model;
    this.signer = signer;
    this.rootDigest = rootDigest;
    this.files = files;
    this.bytes = bytes;
    this.failures = List.copyOf(failures);
  }

  public boolean verified() {
    return failures.isEmpty();
  }

  public Path model() {
    return model;
  }

  public Optional<Signer> signer() {
    return Optional.ofNullable(signer);
  }

  public Optional<Digest> rootDigest() {
    return Optional.ofNullable(rootDigest);
  }

  public long filesChecked() {
    return files;
  }

  public long bytesHashed() {
    return bytes;
  }

  public List<Failure> failures() {
    return failures;
  }
}
