package dev.modelgate.oci;

import java.util.Map;
import java.util.Objects;

/** An OCI content descriptor, as manifests, indexes and referrers list them. */
public record Descriptor(
    String mediaType,
    OciDigest digest,
    long size,
    String artifactType,
    Map<String, String> annotations) {
  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(artifactType, "artifactType");
    annotations = Map.copyOf(annotations);
    if (size < 0) {
      throw new IllegalArgumentException("negative size in descriptor " + digest);
    }
  }
}
