package dev.modelgate.oci;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Resolves a reference to the image manifest it names: a tag to its digest, checked against the
 * bytes served; an index to the one model manifest in it. Thread-safe.
 */
public final class ManifestResolver {
  /**
   * BuildKit's provenance and SBOM manifests in an image index (platform unknown/unknown): no
   * runtime pulls them, so they are not the model; {@code docker buildx build --push} adds one to
   * every single-platform modelcar it pushes.
   */
  static final String DOCKER_REFERENCE_TYPE = "vnd.docker.reference.type";

  private final RegistryClient registry;

  public ManifestResolver(RegistryClient registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * The manifest {@code ref} names, by digest.
   *
   * @throws InvalidInputException when the registry serves something that is not a manifest, or an
   *     index without exactly one model manifest a node would pull
   */
  public OciManifest resolve(OciReference ref, Instant deadline) {
    RegistryClient.FetchedManifest f = registry.manifest(ref, deadline);
    if (ManifestParser.isIndex(f.digest(), f.mediaType(), f.bytes())) {
      Descriptor chosen =
          chooseFromIndex(
              ManifestParser.indexEntries(f.bytes()),
              ManifestParser.entriesWithPlatform(f.bytes()),
              ref);
      f = registry.manifest(ref.withDigest(chosen.digest()), deadline);
    }
    return ManifestParser.manifest(f.digest(), f.mediaType(), f.bytes());
  }

  /**
   * Deterministic: the first entry typed as a model (ModelPack, either prefix), else the only entry
   * a runtime could pull (BuildKit attestation manifests left out). Several platform images are
   * refused: which one a node pulls is not known here. A model entry beside a platform image is
   * refused too: a node pulling the index chooses by platform, so it would run the image, not the
   * model ModelGate checked.
   */
  static Descriptor chooseFromIndex(
      List<Descriptor> entries, Set<OciDigest> withPlatform, OciReference ref) {
    List<Descriptor> runnable =
        entries.stream()
            .filter(d -> !"attestation-manifest".equals(d.annotations().get(DOCKER_REFERENCE_TYPE)))
            .toList();
    for (Descriptor d : runnable) {
      if (d.artifactType().endsWith(".model.manifest.v1+json")) {
        List<Descriptor> images =
            runnable.stream().filter(o -> o != d && withPlatform.contains(o.digest())).toList();
        if (!images.isEmpty()) {
          throw new InvalidInputException(
              Reason.REGISTRY_CONTENT_INVALID,
              "oci://"
                  + ref
                  + " is an index of a model manifest and "
                  + images.size()
                  + " platform image(s) ("
                  + images.get(0).digest()
                  + "): a node pulls the image for its platform, not the model, so reference the"
                  + " model manifest by digest");
        }
        return d;
      }
    }
    if (runnable.size() == 1) {
      return runnable.get(0);
    }
    throw new InvalidInputException(
        Reason.REGISTRY_CONTENT_INVALID,
        "oci://"
            + ref
            + " is an index of "
            + runnable.size()
            + " manifests and none is a model (artifactType *.model.manifest.v1+json)"
            + (runnable.size() > 1
                ? "; a node pulls the one for its platform, so reference that manifest by digest"
                : ""));
  }
}
