/**
 * One assembly of the plain-Java core ({@link dev.modelgate.assembly.Core}): policy source and
 * trust roots, model and registry verification, the policy engine and the admission service, built
 * from options. The runtime's CDI producers, {@code check} and {@code verify oci://} build their
 * core here. No framework: the runtime hands in its Kubernetes-backed parts (informer store, pull
 * secrets, Events, namespace and claim lookups) as the plain interfaces they implement.
 */
package dev.modelgate.assembly;
