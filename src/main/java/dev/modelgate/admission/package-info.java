/**
 * Kubernetes admission, in plain Java: AdmissionReview parsing and answers (v1, and v1beta1 in
 * kind), the workload inspector that finds every model a pod template uses (and, through {@link
 * dev.modelgate.admission.serving}, every model of the serving resources that make pods), and the
 * service that turns a request into a decision through the policy engine. The HTTPS endpoints
 * (Quarkus) and the CLI's {@code check} both call {@link dev.modelgate.admission.AdmissionService}.
 */
package dev.modelgate.admission;
