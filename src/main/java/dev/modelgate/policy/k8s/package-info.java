/**
 * The in-cluster policy store: fabric8 informers on the ModelGate custom resources, recompiling on
 * every change and reporting each policy's compile result in its {@code status.conditions}.
 */
package dev.modelgate.policy.k8s;
