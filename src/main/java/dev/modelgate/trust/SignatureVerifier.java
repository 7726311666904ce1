package dev.modelgate.trust;

import dev.modelgate.oms.SigstoreBundle;

/**
 * Checks that a bundle's DSSE envelope was signed by a trusted signer. Implementations are
 * immutable and thread-safe: built once from trust material, used for many bundles.
 */
public interface SignatureVerifier {
  SigningMethod method();

  /** Never throws for bad bundles: every problem is a failure in the verdict. */
  SignerVerdict verify(SigstoreBundle bundle);
}
