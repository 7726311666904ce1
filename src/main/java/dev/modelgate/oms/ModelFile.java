package dev.modelgate.oms;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A regular file of a model: its manifest path, where to read it, its size when enumerated, whether
 * it was reached through a symbolic link, and the file system's identity of the file (device and
 * inode, {@link java.nio.file.attribute.BasicFileAttributes#fileKey()}; null when unknown) so that
 * hashing can tell that the file it opens is the one enumerated.
 */
public record ModelFile(
    RelativePath path, Path location, long size, boolean viaSymlink, Object fileKey) {
  public ModelFile(RelativePath path, Path location, long size, boolean viaSymlink) {
    this(path, location, size, viaSymlink, null);
  }

  public ModelFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(location, "location");
    if (size < 0) {
      throw new IllegalArgumentException("negative size for " + path);
    }
  }
}
