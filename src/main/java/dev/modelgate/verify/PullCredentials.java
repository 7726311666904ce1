package dev.modelgate.verify;

import dev.modelgate.oci.RegistryCredentials;
import dev.modelgate.source.RegistryAccess;

/**
 * Resolves a workload's registry credentials (imagePullSecrets of the pod and of its service
 * account) in the cluster. {@link #NONE} outside one.
 */
public interface PullCredentials {
  PullCredentials NONE = access -> RegistryCredentials.NONE;

  RegistryCredentials resolve(RegistryAccess access);
}
