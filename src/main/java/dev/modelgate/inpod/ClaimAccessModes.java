package dev.modelgate.inpod;

import java.util.Set;

/**
 * The access modes of a PersistentVolumeClaim, to warn when other pods may write a model while this
 * one runs. Embedded mode knows no claims.
 */
public interface ClaimAccessModes {
  ClaimAccessModes NONE = (namespace, claim) -> Set.of();

  /** The claim's access modes, or empty when unknown. */
  Set<String> of(String namespace, String claim);
}
