/**
 * An OCI distribution client on the JDK HTTP client: references, manifests and indexes, blobs
 * checked against their digests, referrers (API, then the tag fallback), push, and registry
 * authentication. Every response has a size limit and a deadline. Knows nothing about OMS or
 * policies.
 */
package dev.modelgate.oci;
