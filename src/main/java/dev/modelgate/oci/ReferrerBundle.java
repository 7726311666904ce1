package dev.modelgate.oci;

import dev.modelgate.core.Bytes;
import java.util.Objects;

/**
 * A Sigstore bundle found as a referrer layer: the referrer manifest's digest, the predicate type
 * its annotation claims (empty when it names none; the claim is only used to sort bundles, never
 * trusted), and the bundle bytes, checked against their layer digest.
 */
public record ReferrerBundle(OciDigest referrer, String claimedPredicateType, Bytes bundle) {
  public ReferrerBundle {
    Objects.requireNonNull(referrer, "referrer");
    Objects.requireNonNull(claimedPredicateType, "claimedPredicateType");
    Objects.requireNonNull(bundle, "bundle");
  }
}
