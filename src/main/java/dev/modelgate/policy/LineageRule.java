package dev.modelgate.policy;

import dev.modelgate.verify.VerificationPolicy;
import java.util.Objects;

/**
 * A policy's lineage clause: how deep to follow base models, and the verification (authorities
 * named in {@code lineage.authorities}) each ancestor must pass. The admitted model's own
 * provenance is signed by whoever built it, so any of the policy's authorities may sign it; the
 * provenance of an ancestor is checked against {@code lineage.authorities}, like the ancestor.
 */
public record LineageRule(int maxDepth, VerificationPolicy ancestors) {
  public static final String SLSA_PROVENANCE = "https://slsa.dev/provenance/v1";
  public static final String MODELGATE_LINEAGE = "https://modelgate.dev/lineage/v1";

  public LineageRule {
    Objects.requireNonNull(ancestors, "ancestors");
    if (maxDepth < 1 || maxDepth > 10) {
      throw new IllegalArgumentException("lineage.maxDepth must be from 1 to 10, got " + maxDepth);
    }
  }
}
