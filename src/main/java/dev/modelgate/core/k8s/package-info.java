/**
 * Kubernetes plumbing shared by capabilities: leader election over a {@code coordination.k8s.io}
 * Lease ({@link dev.modelgate.core.k8s.LeaseCampaign}), used by the certificate renewer and the
 * background scanner, each with its own Lease.
 */
package dev.modelgate.core.k8s;
