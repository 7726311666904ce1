package dev.modelgate.oms;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A regular file of a model: its manifest path, where to read it, its size when enumerated, and
 * whether it was reached through a symbolic link.
 */
public record ModelFile(RelativePath path, Path location, long size, boolean viaSymlink) {
  public ModelFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(location, "location");
    if (size < 0) {
      throw new IllegalArgumentException("negative size for " + path);
    }
  }
}
