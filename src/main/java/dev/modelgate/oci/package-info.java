/**
 * An OCI distribution client on the JDK HTTP client: references, manifests and indexes, blobs
 * checked against their digests, push, and registry authentication, all through one transport that
 * owns credentials, redirects, deadlines and size limits. {@link
 * dev.modelgate.oci.ManifestResolver} resolves a reference to its manifest (tag to digest, index to
 * manifest); {@link dev.modelgate.oci.ReferrerDiscovery} finds the Sigstore bundles that refer to a
 * manifest (referrers API, then the tag schema), sorted into signatures and attestations. Knows
 * nothing about OMS or policies.
 */
package dev.modelgate.oci;
