package dev.modelgate.oci;

import java.util.List;

/**
 * The Sigstore bundles that refer to one manifest, sorted by what their referrer claims to be:
 * signatures of the manifest's content, and attestations about it.
 */
public record Referrers(List<ReferrerBundle> signatures, List<ReferrerBundle> attestations) {
  public static final Referrers NONE = new Referrers(List.of(), List.of());

  public Referrers {
    signatures = List.copyOf(signatures);
    attestations = List.copyOf(attestations);
  }
}
