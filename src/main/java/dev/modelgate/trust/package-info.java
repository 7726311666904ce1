/**
 * Who may sign: one verifier per OMS signing method (public key, X.509 certificate chain, keyless
 * Sigstore checked offline against a trusted root), the key and certificate readers they need, the
 * trust roots a policy names, and the signer used by {@code sign}.
 *
 * <p>A verifier checks the DSSE signature over the exact PAE bytes and the signer's identity; it
 * does not look at the model. It knows nothing about Kubernetes, OCI or policies.
 */
package dev.modelgate.trust;
