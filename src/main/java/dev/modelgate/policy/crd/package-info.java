/**
 * The {@code modelgate.dev/v1alpha1} custom resources as fabric8 types: {@code ClusterModelPolicy},
 * {@code ModelPolicy} and {@code ModelTrustRoot}. The CRD YAML in {@code deploy/crds/} is generated
 * from these classes. Nothing outside the policy stores and the compiler reads them: the admission
 * path sees only compiled policies.
 */
package dev.modelgate.policy.crd;
