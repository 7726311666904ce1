package dev.modelgate.source;

import java.util.Locale;

/** Where a model's bytes live. */
public enum ModelScheme {
  /** An OCI artifact in a registry. */
  OCI,
  /** A directory on a PersistentVolumeClaim (KServe's convention). */
  PVC,
  /** A directory on any volume of the pod. */
  VOLUME,
  /** A directory the verifier can read itself (embedded mode, CLI). */
  FILE,
  /**
   * A URI that a container of the pod downloads (KServe's storage initializer: {@code s3://},
   * {@code gs://}, {@code hf://}, {@code https://}, ...), kept exactly as the workload wrote it. It
   * is never parsed from a {@code model.modelgate.dev/} annotation: where the download lands is
   * what ModelGate verifies, and only the workload's shape says that.
   */
  DOWNLOAD;

  /** The URI prefix; a download URI keeps its own ({@code s3://}, ...). */
  public String prefix() {
    return this == DOWNLOAD ? "" : name().toLowerCase(Locale.ROOT) + "://";
  }
}
