/**
 * Background verification: the running pods of a cluster grouped by the workload that controls
 * them, each group re-decided by the admission service as if its pod were created now, models on
 * volumes reported from what the pod's verifier recorded, and the results handed to a report sink,
 * counted per policy and per running model. Plain Java: the pods come in as JSON trees and the
 * results go out through interfaces; the Kubernetes glue (listing pods, the Lease, status writes)
 * lives in {@code scan.k8s}, the metrics and the start-up in {@code runtime}. Nothing below {@code
 * admission} knows about this package.
 */
package dev.modelgate.scan;
