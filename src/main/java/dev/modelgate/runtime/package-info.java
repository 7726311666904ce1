/**
 * The Quarkus edge: configuration mapping, CDI producers that build the plain-Java core, the HTTPS
 * admission endpoints, readiness, metrics, and the self-signed TLS default. Core classes carry no
 * CDI annotations; everything Quarkus-specific lives here.
 */
package dev.modelgate.runtime;
