/**
 * The Quarkus edge: configuration mapping, CDI producers that build the plain-Java core through
 * {@code assembly}, the HTTPS admission endpoints, readiness, metrics, the self-signed TLS default
 * and the start-up of the certificate renewer and the background scan. Core classes carry no CDI
 * annotations; everything Quarkus-specific lives here, and nothing else does.
 */
package dev.modelgate.runtime;
