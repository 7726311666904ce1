package dev.modelgate.oci;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** An image manifest: config, layers, optional subject, annotations; the type of artifact it is. */
public record OciManifest(
    OciDigest digest,
    String mediaType,
    String artifactType,
    Descriptor config,
    List<Descriptor> layers,
    Optional<Descriptor> subject,
    Map<String, String> annotations) {
  public OciManifest {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(artifactType, "artifactType");
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
    Objects.requireNonNull(subject, "subject");
    annotations = Map.copyOf(annotations);
  }
}
