/**
 * What ModelGate reports about running and admitted workloads, as {@code wgpolicyk8s.io/v1alpha2}
 * PolicyReports and ClusterPolicyReports: a typed model of that API written from its published
 * field list, its JSON/YAML form, the mapping from verdicts to report results, and the batching
 * writer behind {@link dev.modelgate.report.PolicyReportSink}. Plain Java: the fabric8 store lives
 * in the {@code k8s} sub-package, and nothing here knows about HTTP, AdmissionReviews or Quarkus.
 * Reports are an output, never a gate: nothing in this package changes an admission answer.
 */
package dev.modelgate.report;
