package dev.modelgate.policy;

import dev.modelgate.core.Failure;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelUri;
import dev.modelgate.source.Placement;
import dev.modelgate.trust.Signer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one (model, policy) pair. {@code policy} is "" when no policy matched. {@code
 * pinned} is the digest-pinned OCI reference /mutate should write ("" when nothing to pin).
 */
public record ModelVerdict(
    ModelReference model,
    String policy,
    Mode mode,
    Optional<Signer> signer,
    List<String> authorities,
    List<Failure> failures,
    String pinned,
    List<String> attestations,
    List<String> lineage) {
  public ModelVerdict {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(signer, "signer");
    authorities = List.copyOf(authorities);
    failures = List.copyOf(failures);
    Objects.requireNonNull(pinned, "pinned");
    attestations = List.copyOf(attestations);
    lineage = List.copyOf(lineage);
  }

  public ModelVerdict(
      ModelReference model,
      String policy,
      Mode mode,
      Optional<Signer> signer,
      List<String> authorities,
      List<Failure> failures) {
    this(model, policy, mode, signer, authorities, failures, "", List.of(), List.of());
  }

  public boolean passed() {
    return failures.isEmpty();
  }

  /** One line for a person: which model, which policy, and the first reasons. */
  public String describe(int maxReasons) {
    StringBuilder b =
        new StringBuilder("model '")
            .append(model.name())
            .append("' (")
            .append(model.uri())
            .append(")");
    if (passed() && model.inPod()) {
      ModelUri at = model.placement().volume().orElseThrow();
      return b.append(" will be verified on the volume")
          .append(at.equals(model.uri()) ? "" : " (" + at + ")")
          .append(" by ModelGate's init container before use (")
          .append(policy)
          .append(")")
          .toString();
    }
    if (passed() && model.placement().stage() == Placement.Stage.POD_REVIEW) {
      return b.append(" will be verified when its Pod is reviewed: ")
          .append(model.placement().detail())
          .append(" (")
          .append(policy)
          .append(")")
          .toString();
    }
    if (passed()) {
      b.append(" verified by ").append(policy);
      signer.ifPresent(s -> b.append(", signed by ").append(s.identity()));
      if (!attestations.isEmpty()) {
        b.append(", attestations held: ").append(String.join(", ", attestations));
      }
      if (!lineage.isEmpty()) {
        b.append(", lineage: ").append(String.join("; ", lineage));
      }
      return b.toString();
    }
    b.append(policy.isEmpty() ? "" : " failed " + policy).append(": ");
    for (int i = 0; i < Math.min(maxReasons, failures.size()); i++) {
      b.append(i == 0 ? "" : "; ").append(failures.get(i));
    }
    if (failures.size() > maxReasons) {
      b.append("; and ").append(failures.size() - maxReasons).append(" more");
    }
    return b.toString();
  }
}
