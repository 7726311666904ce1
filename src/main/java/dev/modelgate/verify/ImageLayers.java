package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oci.Descriptor;
import dev.modelgate.oci.ImageFilesystem;
import dev.modelgate.oci.MediaTypes;
import dev.modelgate.oci.OciManifest;
import dev.modelgate.oci.OciReference;
import dev.modelgate.oci.RegistryClient;
import dev.modelgate.oci.TarFiles;
import dev.modelgate.oms.Digest;
import dev.modelgate.oms.HashAlgorithm;
import dev.modelgate.oms.RelativePath;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A runnable container image used as a model, as KServe's modelcars are ({@code FROM busybox; COPY
 * model /models}): ordinary tar+gzip layers that name no files. Its model is the directory {@code
 * verification.imageModelPath} (default {@code /models}) as a runtime would show it after applying
 * every layer in order; everything else in the image is not the model's. Layers are downloaded
 * (each checked against its digest before it is read) only with {@code allowLayerDownload}, all of
 * them within {@code maxLayerDownloadBytes} and the deadline.
 */
final class ImageLayers {
  /**
   * KServe's convention: the modelcar container links {@code /proc/$$/root/models} to the serving
   * container.
   */
  static final String DEFAULT_MODEL_PATH = "/models";

  private static final Set<String> IMAGE_CONFIGS =
      Set.of(MediaTypes.OCI_IMAGE_CONFIG, MediaTypes.DOCKER_IMAGE_CONFIG);
  private static final Set<String> GZIP_LAYERS =
      Set.of(
          MediaTypes.OCI_LAYER_GZIP,
          MediaTypes.OCI_NONDISTRIBUTABLE_LAYER_GZIP,
          MediaTypes.DOCKER_LAYER_GZIP,
          MediaTypes.DOCKER_FOREIGN_LAYER_GZIP);
  private static final Set<String> TAR_LAYERS =
      Set.of(MediaTypes.OCI_LAYER, MediaTypes.OCI_NONDISTRIBUTABLE_LAYER);

  private final RegistryClient registry;

  ImageLayers(RegistryClient registry) {
    this.registry = registry;
  }

  /**
   * A container image rather than a model artifact: an image config, and no layer names a file
   * (artifacts with file-path annotations are checked layer by layer instead).
   */
  static boolean isContainerImage(OciManifest m) {
    return IMAGE_CONFIGS.contains(m.config().mediaType())
        && m.layers().stream().allMatch(l -> ArtifactLayers.layerName(l) == null);
  }

  /** The failure for a container image when the policy does not allow downloading its layers. */
  static Failure notDownloaded(OciManifest m, String modelPath) {
    return Failure.of(
        Reason.LAYER_NOT_VERIFIABLE,
        "%s is a container image (a modelcar) of %d layers that name no files; its model directory %s can only be checked by downloading them (set verification.allowLayerDownload)",
        m.digest(),
        m.layers().size(),
        modelPath);
  }

  /**
   * The model directory as the last layer leaves it: its regular files with their sha256, the
   * problems found, and the bytes of its {@code model.sig} if it has one (a model signed, then
   * copied into the image, carries its signature along).
   */
  record ModelDirectory(ArtifactContents contents, Optional<byte[]> signature) {}

  /**
   * Applies the layers in order. A layer that cannot be downloaded or read throws: what the layers
   * above it do can then not be known.
   */
  ModelDirectory modelDirectory(
      OciReference pinned, OciManifest m, String modelPath, long budget, Instant deadline) {
    ImageFilesystem fs = new ImageFilesystem(modelPath);
    if (m.layers().size() > ImageFilesystem.MAX_LAYERS) {
      throw new InvalidInputException(
          Reason.LIMIT_EXCEEDED,
          m.digest()
              + " has "
              + m.layers().size()
              + " layers, more than "
              + ImageFilesystem.MAX_LAYERS);
    }
    long left = budget;
    for (int i = 0; i < m.layers().size(); i++) {
      Descriptor l = m.layers().get(i);
      boolean gzip = GZIP_LAYERS.contains(l.mediaType());
      if (!gzip && !TAR_LAYERS.contains(l.mediaType())) {
        throw new InvalidInputException(
            Reason.LAYER_NOT_VERIFIABLE,
            "layer "
                + i
                + " ("
                + l.digest()
                + ") has media type "
                + l.mediaType()
                + (l.mediaType().endsWith("zstd")
                    ? ", zstd-compressed, which ModelGate cannot unpack"
                    : ", which is not a tar or tar+gzip image layer"));
      }
      if (l.size() > left) {
        throw new InvalidInputException(
            Reason.LIMIT_EXCEEDED,
            "layer "
                + i
                + " ("
                + l.digest()
                + ") has "
                + l.size()
                + " bytes, more than the "
                + left
                + " left of verification.maxLayerDownloadBytes ("
                + budget
                + " for all "
                + m.layers().size()
                + " layers of the image)");
      }
      left -= l.size();
      fs.apply(
          entries(
              pinned,
              l,
              i,
              gzip,
              budget,
              deadline,
              name -> fs.keep(name, ArtifactContentCheck.SIGNATURE_LAYER.value())));
    }
    Map<RelativePath, Digest> files = new LinkedHashMap<>();
    List<Failure> problems = new ArrayList<>(fs.problems());
    for (ImageFilesystem.ModelFile f : fs.modelFiles().values()) {
      try {
        files.put(
            RelativePath.parse(f.path()), Digest.fromHex(HashAlgorithm.SHA256, f.sha256Hex()));
      } catch (InvalidInputException e) {
        problems.add(
            Failure.about(
                Reason.PATH_UNSAFE,
                f.path(),
                "file in %s cannot be matched to a signed name: %s",
                modelPath,
                e.getMessage()));
      }
    }
    ImageFilesystem.ModelFile sig =
        fs.modelFiles().get(ArtifactContentCheck.SIGNATURE_LAYER.value());
    return new ModelDirectory(
        new ArtifactContents(files, List.of(), problems),
        sig == null || sig.content().length == 0 ? Optional.empty() : Optional.of(sig.content()));
  }

  private List<TarFiles.Entry> entries(
      OciReference pinned,
      Descriptor l,
      int index,
      boolean gzip,
      long maxUnpacked,
      Instant deadline,
      Predicate<String> keep) {
    Path tmp = null;
    try {
      tmp = Files.createTempFile("modelgate-image-layer", ".tar");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        // Capped at the declared size: a layer that under-declares cannot draw on the rest of the
        // budget.
        registry.streamBlob(
            pinned, l.digest(), l.size(), deadline, (bytes, n) -> out.write(bytes, 0, n));
      }
      return TarFiles.readChangeset(tmp, gzip, maxUnpacked, deadline, keep);
    } catch (IOException e) {
      throw new InvalidInputException(
          Reason.IO_ERROR,
          "layer "
              + index
              + " ("
              + l.digest()
              + ") cannot be stored for hashing: "
              + e.getMessage(),
          e);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(
          e.reason(), "layer " + index + " (" + l.digest() + "): " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        tmp.toFile().delete();
      }
    }
  }
}
