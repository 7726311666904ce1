/**
 * The webhook's own TLS identity when no cert-manager issues it: a private CA and a serving
 * certificate for {@code <service>.<namespace>.svc} ({@link
 * dev.modelgate.certs.CertificateIssuer}), the state kept in one Secret ({@link
 * dev.modelgate.certs.WebhookTlsState}) and the pure decision of what to renew when ({@link
 * dev.modelgate.certs.RenewalPlan}), including a CA rotation in which old and new CA are both
 * trusted until every replica serves a certificate of the new one. Plain Java with BouncyCastle and
 * an injected clock. {@link dev.modelgate.certs.ServedCertificate} is the certificate the server
 * answers with: swapped in from the Secret or reloaded when its files change. The Kubernetes side
 * (Secret, Lease, webhook configurations, probing the other replicas) lives in {@code certs.k8s};
 * the Quarkus reloader and the configuration in {@code runtime}.
 */
package dev.modelgate.certs;
