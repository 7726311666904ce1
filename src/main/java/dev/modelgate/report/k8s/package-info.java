/**
 * ModelGate's PolicyReports in the Kubernetes API: the fabric8 {@link
 * dev.modelgate.report.ReportStore} over {@code wgpolicyk8s.io/v1alpha2} generic resources. The
 * CRDs are not ModelGate's: Kyverno and the policy-reports chart install them; without them every
 * write answers "no CRD" and ModelGate admits as before.
 */
package dev.modelgate.report.k8s;
