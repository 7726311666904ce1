/**
 * The verification pipeline: turns a model, its signature bundle, a signature verifier and the
 * verification options into a {@link dev.modelgate.verify.VerificationResult}. One class per check,
 * run in the order the specs give: bundle, envelope, signer, statement, root digest, content.
 *
 * <p>It knows nothing about Kubernetes or HTTP.
 */
package dev.modelgate.verify;
