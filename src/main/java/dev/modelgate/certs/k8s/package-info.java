/**
 * Self-managed webhook certificates in a cluster: the one Secret that holds them and the {@code
 * caBundle} of the webhook configurations ({@link dev.modelgate.certs.k8s.WebhookCertificates}),
 * the elected replica that renews them ({@link dev.modelgate.certs.k8s.SelfManagedCertificates}),
 * and the probe that asks every ready replica which certificate it serves before an old CA is
 * dropped. The decisions are {@link dev.modelgate.certs.RenewalPlan}'s; this package only reads and
 * writes Kubernetes objects.
 */
package dev.modelgate.certs.k8s;
