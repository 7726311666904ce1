/**
 * The verification pipeline: turns a model, its signature bundles, the policy's authorities and the
 * verification options into a {@link dev.modelgate.verify.VerificationResult}. One class per step,
 * run in the order the specs give, each taking the typed output of the one before: bundle and
 * envelope → verified signers and threshold → verified statement (parsed once, root digest checked)
 * → content result. Attestations go through the same bundle and signer steps. {@link
 * dev.modelgate.verify.OciModelVerifier} orders manifest resolution, layer mapping and referrer
 * discovery for registry models; results are cached by digest and policy identity.
 *
 * <p>It knows nothing about Kubernetes or HTTP.
 */
package dev.modelgate.verify;
