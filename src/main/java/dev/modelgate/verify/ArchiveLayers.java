package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oci.Descriptor;
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

/** Archive layers of an OCI model, downloaded and unpacked only where the policy allows it. */
final class ArchiveLayers {
  private final RegistryClient registry;

  ArchiveLayers(RegistryClient registry) {
    this.registry = registry;
  }

  /**
   * Downloads the archive layers (within the byte budget) to a private temporary file each, checks
   * each against its digest before reading it, and lists its files with their sha256, as if they
   * were raw layers. zstd is not supported and stays unverifiable.
   */
  ArtifactContents download(
      OciReference pinned,
      OciManifest m,
      ArtifactContents contents,
      long budget,
      Instant deadline) {
    Map<RelativePath, Digest> raw = new LinkedHashMap<>(contents.rawFiles());
    List<RelativePath> archives = new ArrayList<>();
    List<Failure> problems = new ArrayList<>(contents.problems());
    long left = budget;
    for (Descriptor l : m.layers()) {
      if (!ArtifactLayers.isArchive(l.mediaType())) {
        continue;
      }
      String name = ArtifactLayers.layerName(l);
      RelativePath layerPath =
          contents.archives().stream().filter(p -> p.value().equals(name)).findFirst().orElse(null);
      if (layerPath == null) {
        // contents() already reported this layer (no name, unsafe or duplicate path), which denies.
        continue;
      }
      boolean gzip = l.mediaType().endsWith("gzip");
      if (l.mediaType().endsWith("zstd")) {
        problems.add(
            Failure.about(
                Reason.LAYER_NOT_VERIFIABLE,
                layerPath,
                "layer '%s' is zstd-compressed, which ModelGate cannot unpack",
                layerPath));
        continue;
      }
      if (l.size() > left) {
        problems.add(
            Failure.about(
                Reason.LIMIT_EXCEEDED,
                layerPath,
                "layer '%s' has %d bytes, more than the %d left of verification.maxLayerDownloadBytes",
                layerPath,
                l.size(),
                left));
        continue;
      }
      Path tmp = null;
      try {
        tmp = Files.createTempFile("modelgate-layer", ".tar");
        OutputStream out = Files.newOutputStream(tmp);
        try (out) {
          // Capped at the declared size: a layer that under-declares cannot draw on the rest of the
          // budget.
          registry.streamBlob(
              pinned, l.digest(), l.size(), deadline, (bytes, n) -> out.write(bytes, 0, n));
        }
        left -= l.size();
        for (TarFiles.Entry e : TarFiles.read(tmp, gzip, budget, deadline)) {
          try {
            RelativePath p =
                RelativePath.parse(e.name().startsWith("./") ? e.name().substring(2) : e.name());
            if (raw.put(p, Digest.fromHex(HashAlgorithm.SHA256, e.sha256Hex())) != null) {
              problems.add(
                  Failure.about(
                      Reason.DUPLICATE_RESOURCE, p, "file '%s' is in more than one layer", p));
            }
          } catch (InvalidInputException ex) {
            problems.add(
                Failure.about(
                    Reason.PATH_UNSAFE,
                    e.name(),
                    "layer '%s' holds an unsafe path: %s",
                    layerPath,
                    ex.getMessage()));
          }
        }
      } catch (IOException e) {
        problems.add(
            Failure.about(
                Reason.IO_ERROR,
                layerPath,
                "layer '%s' cannot be stored for hashing: %s",
                layerPath,
                e.getMessage()));
      } catch (InvalidInputException e) {
        problems.add(
            Failure.about(e.reason(), layerPath, "layer '%s': %s", layerPath, e.getMessage()));
      } finally {
        if (tmp != null) {
          tmp.toFile().delete();
        }
      }
    }
    return new ArtifactContents(raw, archives, problems);
  }
}
