/**
 * Registry credentials from the cluster: the pod's {@code imagePullSecrets} and its service
 * account's, read through fabric8 ({@link dev.modelgate.verify.k8s.KubernetesPullCredentials}), as
 * the kubelet would use them to pull the same reference.
 */
package dev.modelgate.verify.k8s;
