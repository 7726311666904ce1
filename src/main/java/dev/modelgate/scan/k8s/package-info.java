/**
 * Background verification in a cluster: the running pods and their owners read through fabric8
 * ({@link dev.modelgate.scan.k8s.ClusterPods}), the elected replica that runs the scan ({@link
 * dev.modelgate.scan.k8s.BackgroundScanner}), and each policy's {@code status.scan} written from
 * its results ({@link dev.modelgate.scan.k8s.PolicyScanStatus}).
 */
package dev.modelgate.scan.k8s;
