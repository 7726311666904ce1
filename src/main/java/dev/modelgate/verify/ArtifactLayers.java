package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oci.Descriptor;
import dev.modelgate.oci.OciManifest;
import dev.modelgate.oms.Digest;
import dev.modelgate.oms.HashAlgorithm;
import dev.modelgate.oms.RelativePath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a model artifact's layers to the files they hold, from their path annotations: raw layers
 * (whose digest is the file's sha256), archive layers, and the problems found (no path, an unsafe
 * path, two layers for one file, a digest that is not sha256). Every place that maps layers to
 * paths goes through here, so they cannot disagree about a layer.
 */
final class ArtifactLayers {
  /** File-path annotations, newest first: ModelPack, its pre-v0.0.7 name, then ORAS's title. */
  static final List<String> PATH_ANNOTATIONS =
      List.of(
          "org.cncf.model.filepath", "org.cnai.model.filepath", "org.opencontainers.image.title");

  private ArtifactLayers() {}

  static ArtifactContents contents(OciManifest m) {
    Map<RelativePath, Digest> raw = new LinkedHashMap<>();
    List<RelativePath> archives = new ArrayList<>();
    List<Failure> problems = new ArrayList<>();
    Map<RelativePath, Integer> seen = new HashMap<>();
    for (int i = 0; i < m.layers().size(); i++) {
      Descriptor l = m.layers().get(i);
      String name = layerName(l);
      if (name == null) {
        problems.add(
            Failure.of(
                Reason.UNSIGNED_FILE,
                "layer %d (%s) names no file (no %s annotation), so it cannot be matched to the signature",
                i,
                l.digest(),
                PATH_ANNOTATIONS.get(0)));
        continue;
      }
      RelativePath path;
      try {
        path = RelativePath.parse(name);
      } catch (InvalidInputException e) {
        problems.add(Failure.about(Reason.PATH_UNSAFE, name, "layer %d: %s", i, e.getMessage()));
        continue;
      }
      if (seen.put(path, i) != null) {
        problems.add(
            Failure.about(
                Reason.DUPLICATE_RESOURCE,
                path,
                "layers %d and %d both claim file '%s'",
                seen.get(path),
                i,
                path));
        continue;
      }
      if (isArchive(l.mediaType())) {
        archives.add(path);
      } else if (!l.digest().algorithm().equals("sha256")) {
        problems.add(
            Failure.about(
                Reason.LAYER_NOT_VERIFIABLE,
                path,
                "layer for '%s' has a %s digest; signatures carry sha256",
                path,
                l.digest().algorithm()));
      } else {
        raw.put(path, Digest.fromHex(HashAlgorithm.SHA256, l.digest().hex()));
      }
    }
    return new ArtifactContents(raw, archives, problems);
  }

  /**
   * The file path a layer's annotations give, without a leading "./", or null when none does. Every
   * place that maps layers to paths goes through here, so they cannot disagree about a layer.
   */
  static String layerName(Descriptor l) {
    String name =
        PATH_ANNOTATIONS.stream()
            .map(l.annotations()::get)
            .filter(v -> v != null && !v.isEmpty())
            .findFirst()
            .orElse(null);
    return name != null && name.startsWith("./") ? name.substring(2) : name;
  }

  static boolean isArchive(String mediaType) {
    return mediaType.contains(".tar")
        || mediaType.contains("tar+")
        || mediaType.endsWith("+gzip")
        || mediaType.endsWith("+zstd")
        || mediaType.endsWith(".gzip")
        || mediaType.endsWith(".zstd");
  }
}
