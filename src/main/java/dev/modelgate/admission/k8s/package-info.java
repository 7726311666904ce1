/**
 * The admission decision's links to the cluster: a Kubernetes Event on the workload for each denial
 * or warning ({@link dev.modelgate.admission.k8s.KubernetesEventSink}), and the claims models are
 * verified on, read from the namespace's pods for the claim-writer rule ({@link
 * dev.modelgate.admission.k8s.ClusterVerifiedClaims}).
 */
package dev.modelgate.admission.k8s;
