package dev.modelgate.source;

/** Where a model's bytes live. */
public enum ModelScheme {
  /** An OCI artifact in a registry. */
  OCI,
  /** A directory on a PersistentVolumeClaim (KServe's convention). */
  PVC,
  /** A directory on any volume of the pod. */
  VOLUME,
  /** A directory the verifier can read itself (embedded mode, CLI). */
  FILE;

  public String prefix() {
    return name().toLowerCase(java.util.Locale.ROOT) + "://";
  }
}
