package dev.modelgate.oci;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Resolves a reference to the image manifest it names: a tag to its digest, checked against the
 * bytes served; an index to the one manifest in it a node would run. Thread-safe.
 */
public final class ManifestResolver {
  private final RegistryClient registry;
  private final List<Platform> nodePlatforms;

  /** Chooses from indexes as a {@code linux/amd64} node does. */
  public ManifestResolver(RegistryClient registry) {
    this(registry, List.of(Platform.LINUX_AMD64));
  }

  /** Chooses from indexes as nodes of each of {@code nodePlatforms} do; they must agree. */
  public ManifestResolver(RegistryClient registry, List<Platform> nodePlatforms) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.nodePlatforms = List.copyOf(nodePlatforms);
    if (this.nodePlatforms.isEmpty()) {
      throw new IllegalArgumentException("at least one node platform");
    }
  }

  /**
   * The manifest {@code ref} names, by digest.
   *
   * @throws InvalidInputException when the registry serves something that is not a manifest, or an
   *     index without exactly one manifest a node would pull
   */
  public OciManifest resolve(OciReference ref, Instant deadline) {
    RegistryClient.FetchedManifest f = registry.manifest(ref, deadline);
    if (ManifestParser.isIndex(f.digest(), f.mediaType(), f.bytes())) {
      Descriptor chosen =
          chooseFromIndex(
              ManifestParser.indexEntries(f.bytes()),
              ManifestParser.indexPlatforms(f.bytes()),
              nodePlatforms,
              ref);
      f = registry.manifest(ref.withDigest(chosen.digest()), deadline);
      if (ManifestParser.isIndex(f.digest(), f.mediaType(), f.bytes())) {
        throw new InvalidInputException(
            Reason.REGISTRY_CONTENT_INVALID,
            "oci://" + ref + " is an index whose chosen entry " + chosen.digest() + " is an index");
      }
    }
    return ManifestParser.manifest(f.digest(), f.mediaType(), f.bytes());
  }

  /**
   * The entry of a model index (the first typed as a ModelPack model, when no platform image sits
   * beside it), else the entry containerd would run on each node platform: its platform matcher
   * ({@link Platform#rank}) keeps the entries that match or name no platform, sorts them stably by
   * rank with the platformless ones last, and takes the first (images.Manifest and LimitManifests,
   * images/image.go and images/handlers.go, containerd commit
   * 2806fc1057397dbaeefbea0e4e17bddfbd388f38). Annotations play no part there, so none here: a
   * BuildKit attestation manifest is left out because its platform is {@code unknown/unknown}, not
   * because of its {@code vnd.docker.reference.type}. Refused rather than chosen: two different
   * manifests at the best rank (the node takes the first; an index that lists a second one for the
   * same platform is built to make readers disagree), a best entry without a platform (containerd
   * would decide from its config), node platforms that choose differently, and any other entry a
   * node of another platform would run, since only one manifest is verified.
   */
  static Descriptor chooseFromIndex(
      List<Descriptor> entries,
      List<Optional<Platform>> platforms,
      List<Platform> nodePlatforms,
      OciReference ref) {
    for (int i = 0; i < entries.size(); i++) {
      Descriptor d = entries.get(i);
      if (d.artifactType().endsWith(".model.manifest.v1+json")) {
        for (int j = 0; j < entries.size(); j++) {
          if (platforms.get(j).isPresent() && runnable(platforms.get(j).get())) {
            throw new InvalidInputException(
                Reason.REGISTRY_CONTENT_INVALID,
                "oci://"
                    + ref
                    + " is an index of a model manifest and a platform image ("
                    + entries.get(j).digest()
                    + ", "
                    + platforms.get(j).get()
                    + "): a node pulls the image for its platform, not the model, so reference the"
                    + " model manifest by digest");
          }
        }
        return d;
      }
    }
    Descriptor chosen = null;
    for (Platform node : nodePlatforms) {
      Descriptor c = chooseFor(node, entries, platforms, ref);
      if (chosen != null && !chosen.digest().equals(c.digest())) {
        throw new InvalidInputException(
            Reason.REGISTRY_CONTENT_INVALID,
            "oci://"
                + ref
                + " is an index from which nodes of "
                + nodePlatforms.get(0)
                + " and "
                + node
                + " pull different manifests; reference the one to run by digest");
      }
      chosen = c;
    }
    for (int i = 0; i < entries.size(); i++) {
      Optional<Platform> p = platforms.get(i);
      if (!entries.get(i).digest().equals(chosen.digest()) && (p.isEmpty() || runnable(p.get()))) {
        throw new InvalidInputException(
            Reason.REGISTRY_CONTENT_INVALID,
            "oci://"
                + ref
                + " is an index of "
                + entries.size()
                + " manifests: "
                + chosen.digest()
                + " for "
                + nodePlatforms.get(0)
                + ", and "
                + entries.get(i).digest()
                + " that a node of "
                + p.map(Platform::toString).orElse("any platform")
                + " would pull unverified; reference the manifest to run by digest");
      }
    }
    return chosen;
  }

  private static Descriptor chooseFor(
      Platform node,
      List<Descriptor> entries,
      List<Optional<Platform>> platforms,
      OciReference ref) {
    int best = -1;
    int bestRank = Integer.MAX_VALUE;
    for (int i = 0; i < entries.size(); i++) {
      Optional<Platform> p = platforms.get(i);
      int rank = p.isEmpty() ? Integer.MAX_VALUE - 1 : node.rank(p.get());
      if (rank < 0) {
        continue;
      }
      if (rank < bestRank) {
        best = i;
        bestRank = rank;
      } else if (rank == bestRank
          && rank != Integer.MAX_VALUE - 1
          && !entries.get(i).digest().equals(entries.get(best).digest())) {
        throw new InvalidInputException(
            Reason.REGISTRY_CONTENT_INVALID,
            "oci://"
                + ref
                + " is an index with two different manifests for "
                + platforms.get(i).get()
                + " ("
                + entries.get(best).digest()
                + " first, then "
                + entries.get(i).digest()
                + "): containerd runs the first whatever their annotations say, so the index is"
                + " refused");
      }
    }
    if (best < 0) {
      throw new InvalidInputException(
          Reason.REGISTRY_CONTENT_INVALID,
          "oci://" + ref + " is an index with no manifest for " + node + ", which nodes run");
    }
    if (platforms.get(best).isEmpty()) {
      throw new InvalidInputException(
          Reason.REGISTRY_CONTENT_INVALID,
          "oci://"
              + ref
              + " is an index whose entry for "
              + node
              + " ("
              + entries.get(best).digest()
              + ") names no platform, so containerd decides from its config; reference it by"
              + " digest");
    }
    return entries.get(best);
  }

  /**
   * Whether some node could run an entry of this platform: every platform but BuildKit's {@code
   * unknown/unknown} for attestations.
   */
  private static boolean runnable(Platform p) {
    Platform n = p.normalized();
    return !n.os().equals("unknown") && !n.architecture().equals("unknown");
  }
}
