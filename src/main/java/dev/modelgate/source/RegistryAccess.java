package dev.modelgate.source;

import java.util.List;
import java.util.Objects;

/**
 * Whose registry credentials may be used to read a workload's OCI models: its namespace, service
 * account and imagePullSecrets, as the kubelet would use them to pull. {@link #NONE} outside a
 * cluster.
 */
public record RegistryAccess(String namespace, String serviceAccount, List<String> pullSecrets) {
  public static final RegistryAccess NONE = new RegistryAccess("", "", List.of());

  public RegistryAccess {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(serviceAccount, "serviceAccount");
    pullSecrets = List.copyOf(pullSecrets);
  }
}
