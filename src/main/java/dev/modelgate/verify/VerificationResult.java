package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.oms.Digest;
import dev.modelgate.trust.Signer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The answer for one model: verified when there are no failures. Signer and root digest are set
 * once the signature held; file and byte counts once content was checked; the resolved manifest
 * digest for OCI models.
 */
public final class VerificationResult {
  private final String model;
  private final Signer signer;
  private final Digest rootDigest;
  private final long files;
  private final long bytes;
  private final List<String> authorities;
  private final String resolvedDigest;
  private final List<Failure> failures;
  private final List<String> signedFiles;
  private final List<VerifiedAttestation> attestations;
  private final List<String> warnings;
  private final SignedManifest manifest;
  private final String imageDirectory;
  private final PartialCoverage coverage;

  VerificationResult(
      String model,
      Signer signer,
      Digest rootDigest,
      long files,
      long bytes,
      List<String> authorities,
      String resolvedDigest,
      List<Failure> failures) {
    this(new Parts(model, signer, rootDigest, files, bytes, authorities, resolvedDigest, failures));
  }

  private VerificationResult(Parts p) {
    this.coverage = p.coverage;
    this.manifest = p.manifest;
    this.imageDirectory = p.imageDirectory;
    this.warnings = List.copyOf(p.warnings);
    this.signedFiles = List.copyOf(p.signedFiles);
    this.attestations = List.copyOf(p.attestations);
    this.model = Objects.requireNonNull(p.model, "model");
    this.signer = p.signer;
    this.rootDigest = p.rootDigest;
    this.files = p.files;
    this.bytes = p.bytes;
    this.authorities = List.copyOf(p.authorities);
    this.resolvedDigest = Objects.requireNonNull(p.resolvedDigest, "resolvedDigest");
    this.failures = List.copyOf(p.failures);
  }

  /**
   * The fields while a copy is being changed: every {@code withX} copies them all, changes one and
   * builds a new result through the one validating constructor, so a new field is added in three
   * places (field, {@code Parts}, {@link #parts()}) and not in every {@code withX}.
   */
  private static final class Parts {
    String model;
    Signer signer;
    Digest rootDigest;
    long files;
    long bytes;
    List<String> authorities;
    String resolvedDigest;
    List<Failure> failures;
    List<String> signedFiles = List.of();
    List<VerifiedAttestation> attestations = List.of();
    List<String> warnings = List.of();
    SignedManifest manifest;
    String imageDirectory;
    PartialCoverage coverage;

    Parts(
        String model,
        Signer signer,
        Digest rootDigest,
        long files,
        long bytes,
        List<String> authorities,
        String resolvedDigest,
        List<Failure> failures) {
      this.model = model;
      this.signer = signer;
      this.rootDigest = rootDigest;
      this.files = files;
      this.bytes = bytes;
      this.authorities = authorities;
      this.resolvedDigest = resolvedDigest;
      this.failures = failures;
    }
  }

  private Parts parts() {
    Parts p =
        new Parts(model, signer, rootDigest, files, bytes, authorities, resolvedDigest, failures);
    p.signedFiles = signedFiles;
    p.attestations = attestations;
    p.warnings = warnings;
    p.manifest = manifest;
    p.imageDirectory = imageDirectory;
    p.coverage = coverage;
    return p;
  }

  /** A copy of this result with {@code change} applied to its fields. */
  private VerificationResult with(Consumer<Parts> change) {
    Parts p = parts();
    change.accept(p);
    return new VerificationResult(p);
  }

  /** A result that never reached the model: it could not be verified at all. */
  public static VerificationResult failed(String model, List<Failure> failures) {
    if (failures.isEmpty()) {
      throw new IllegalArgumentException("a failed result needs a failure");
    }
    return new VerificationResult(model, null, null, 0, 0, List.of(), "", failures);
  }

  /**
   * For a container image verified by its model directory ({@code verification.imageModelPath}),
   * that directory: the rest of the image's file system was not verified, so a pod may mount only
   * that directory of it. Empty when everything the model delivers was verified (an artifact's
   * files, an image whose every layer a signed statement names) or for models that are not images.
   */
  public Optional<String> imageDirectory() {
    return Optional.ofNullable(imageDirectory);
  }

  VerificationResult withImageDirectory(String directory) {
    return with(p -> p.imageDirectory = directory);
  }

  /** Things the verification passed but a reader should know (a format limit met, for example). */
  public List<String> warnings() {
    return warnings;
  }

  VerificationResult withWarnings(List<String> found) {
    return with(p -> p.warnings = found);
  }

  VerificationResult withModel(String shownAs, String digest) {
    return with(
        p -> {
          p.model = shownAs;
          p.resolvedDigest = digest;
        });
  }

  VerificationResult withSignedFiles(List<String> names) {
    return with(p -> p.signedFiles = names);
  }

  VerificationResult withAttestations(List<VerifiedAttestation> found) {
    return with(p -> p.attestations = found);
  }

  VerificationResult withManifest(SignedManifest signed) {
    return with(p -> p.manifest = signed);
  }

  VerificationResult withCoverage(PartialCoverage partial) {
    return with(p -> p.coverage = partial);
  }

  /**
   * For a download restricted to some files, how much of the signed model was checked; empty when
   * the whole model was.
   */
  public Optional<PartialCoverage> partial() {
    return Optional.ofNullable(coverage);
  }

  /**
   * The bundle and the resources the signature signed, once its statement and root digest held
   * (also when the content then failed); empty before.
   */
  public Optional<SignedManifest> manifest() {
    return Optional.ofNullable(manifest);
  }

  /** The file names the verified signature lists (what file rules and CEL's model.files see). */
  public List<String> signedFiles() {
    return signedFiles;
  }

  /** Attestations found about the verified model, each with the authorities that signed it. */
  public List<VerifiedAttestation> attestations() {
    return attestations;
  }

  public boolean verified() {
    return failures.isEmpty();
  }

  /** The model as the caller named it: a path, or an OCI reference. */
  public String model() {
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

  /** For OCI models, the manifest digest verified ({@code sha256:…}); empty otherwise. */
  public Optional<String> resolvedDigest() {
    return resolvedDigest.isEmpty() ? Optional.empty() : Optional.of(resolvedDigest);
  }

  public List<Failure> failures() {
    return failures;
  }
}
