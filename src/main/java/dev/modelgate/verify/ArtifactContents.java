package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.oms.Digest;
import dev.modelgate.oms.RelativePath;
import java.util.List;
import java.util.Map;

/**
 * An OCI artifact's files as its manifest describes them: for raw layers, the file path and the
 * layer digest, which is the file's sha256; the paths of archive layers, whose files are not known
 * without downloading them; and the problems found mapping layers to paths.
 */
public record ArtifactContents(
    Map<RelativePath, Digest> rawFiles, List<RelativePath> archives, List<Failure> problems) {
  public ArtifactContents {
    rawFiles = Map.copyOf(rawFiles);
    archives = List.copyOf(archives);
    problems = List.copyOf(problems);
  }
}
