/**
 * The OpenSSF Model Signing format: Sigstore bundle v0.3, DSSE envelope and PAE, the in-toto
 * statement and OMS predicate, root digests, and the enumeration and hashing of model files.
 *
 * <p>It knows nothing about who is trusted (that is {@code trust}) nor about Kubernetes, OCI or
 * policies. Facts cited here come from {@code shared/docs/oms-format.md} (the reference
 * implementation, model_signing 1.1.1, and the OMS spec v1.0).
 */
package dev.modelgate.oms;
