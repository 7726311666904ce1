package dev.modelgate.policy;

import dev.modelgate.core.Failure;
import dev.modelgate.core.FieldPath;
import dev.modelgate.source.ModelReference;
import dev.modelgate.trust.Signer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one (model, policy) pair: which policy ({@code policy} is empty when no policy
 * matched the model), the mode it was decided in, who signed, the failures (each about the field
 * that named the model unless a check named a more precise one), the digest-pinned OCI reference
 * /mutate should write ({@code pinned}, empty when there is nothing to pin), and what else was
 * verified ({@code imageDirectory}: the only directory of a container image that was, see {@code
 * VerificationResult.imageDirectory}). Text for people is made from it by {@link DecisionText}.
 */
public record ModelVerdict(
    ModelReference model,
    Optional<String> policy,
    Mode mode,
    Optional<Signer> signer,
    List<String> authorities,
    List<Failure> failures,
    Optional<String> pinned,
    List<String> attestations,
    List<String> lineage,
    Optional<String> imageDirectory) {
  public ModelVerdict {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(signer, "signer");
    authorities = List.copyOf(authorities);
    failures =
        model.field().isEmpty()
            ? List.copyOf(failures)
            : failures.stream().map(f -> f.at(FieldPath.of(model.field()))).toList();
    Objects.requireNonNull(pinned, "pinned");
    attestations = List.copyOf(attestations);
    lineage = List.copyOf(lineage);
    Objects.requireNonNull(imageDirectory, "imageDirectory");
    if (pinned.isPresent() && !failures.isEmpty()) {
      throw new IllegalArgumentException("a model that failed is never pinned");
    }
  }

  /** A verdict of {@code policy} with nothing verified beyond what {@code failures} say. */
  public static ModelVerdict of(
      ModelReference model, String policy, Mode mode, List<Failure> failures) {
    return bare(model, Optional.of(policy), mode, failures);
  }

  /** The verdict for a model no policy matches, with the failure that says so. */
  public static ModelVerdict unmatched(ModelReference model, Mode mode, List<Failure> failures) {
    return bare(model, Optional.empty(), mode, failures);
  }

  private static ModelVerdict bare(
      ModelReference model, Optional<String> policy, Mode mode, List<Failure> failures) {
    return new ModelVerdict(
        model,
        policy,
        mode,
        Optional.empty(),
        List.of(),
        failures,
        Optional.empty(),
        List.of(),
        List.of(),
        Optional.empty());
  }

  public boolean passed() {
    return failures.isEmpty();
  }
}
