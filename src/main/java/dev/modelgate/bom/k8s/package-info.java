/**
 * Reads the PolicyReports ModelGate wrote to a cluster, with the caller's own kubeconfig, for the
 * cluster's bill of materials: what the reader may list is exactly what the API server's RBAC on
 * the reports lets them read.
 */
package dev.modelgate.bom.k8s;
