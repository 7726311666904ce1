/**
 * Model policies as the admission path sees them: compiled policies, how they match namespaces,
 * workloads and model URIs, the policy stores behind one interface, and the decision over every
 * (model, policy) pair. Sub-packages {@code crd} (the fabric8 custom resources, their parsing and
 * compilation, the directory store) and {@code k8s} (the informer store) are the only places that
 * see Kubernetes types. Knows nothing about HTTP or AdmissionReviews.
 */
package dev.modelgate.policy;
