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
  private final List<String> authorities;
  private final List<Failure> failures;

  VerificationResult(
      Path model, Signer signer, Digest rootDigest, long files, long bytes, List<String> authorities, List<Failure> failures) {
    this.model = model;
    this.signer = signer;
    this.rootDigest = rootDigest;
    this.files = files;
    this.bytes = bytes;
    this.authorities = List.copyOf(authorities);
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

  /** The authorities whose signature verified (names as in the policy; "" for the CLI's one). */
  public List<String> authorities() {
    return authorities;
  }

  /** A result that never reached the model: it could not be verified at all. */
  public static VerificationResult failed(Path model, List<Failure> failures) {
    if (failures.isEmpty()) {
      throw new IllegalArgumentException("a failed result needs a failure");
    }
    return new VerificationResult(model, null, null, 0, 0, List.of(), failures);
  }

  public List<Failure> failures() {
    return failures;
  }
}
