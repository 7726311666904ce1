package dev.modelgate.bom;

import dev.modelgate.core.Failure;
import dev.modelgate.verify.VerificationResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a BOM says about one model, as verification established it: the model as named, the
 * verification result (signer, root digest, manifest digest, signed files, attestations), each
 * policy's judgement, when it was verified, and the base models its lineage led to, each with its
 * own evidence. Verified only when the result and every policy passed.
 *
 * @param depth 0 for the model itself, 1 for its base model, 2 for that base's base, ...
 */
public record ModelEvidence(
    String source,
    int depth,
    VerificationResult result,
    List<PolicyEvidence> policies,
    Instant verifiedAt,
    List<ModelEvidence> ancestors) {
  public ModelEvidence {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(result, "result");
    policies = List.copyOf(policies);
    Objects.requireNonNull(verifiedAt, "verifiedAt");
    ancestors = List.copyOf(ancestors);
    if (policies.isEmpty()) {
      throw new IllegalArgumentException("evidence needs the policy it was judged by");
    }
  }

  /** True when the signature, the content and every policy held. */
  public boolean verified() {
    return result.verified() && policies.stream().allMatch(PolicyEvidence::passed);
  }

  /** Every failure: the verification's, then each policy's own, without repeats. */
  public List<Failure> failures() {
    List<Failure> out = new ArrayList<>(result.failures());
    for (PolicyEvidence p : policies) {
      for (Failure f : p.failures()) {
        if (!out.contains(f)) {
          out.add(f);
        }
      }
    }
    return out;
  }
}
