/**
 * The admission decision's trace in the cluster: a Kubernetes Event on the workload for each denial
 * or warning ({@link dev.modelgate.admission.k8s.KubernetesEventSink}).
 */
package dev.modelgate.admission.k8s;
