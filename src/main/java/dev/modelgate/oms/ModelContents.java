package dev.modelgate.oms;

import dev.modelgate.core.Failure;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** What enumeration found in a model: its regular files, and every entry it refused. */
public record ModelContents(
    Path root, boolean singleFile, List<ModelFile> files, List<Failure> failures) {
  public ModelContents {
    Objects.requireNonNull(root, "root");
    files = List.copyOf(files);
    failures = List.copyOf(failures);
  }

  public long totalBytes() {
    return files.stream().mapToLong(ModelFile::size).sum();
  }
}
