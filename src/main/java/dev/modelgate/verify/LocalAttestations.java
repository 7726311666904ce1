package dev.modelgate.verify;

import dev.modelgate.core.Limits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where attestations about a local model live: the {@code *.json} files in the directory {@code
 * <model>.attestations} next to the model directory, outside the signed files (so adding one never
 * invalidates the model's signature). {@code modelgate attest} writes there by default.
 */
public final class LocalAttestations {
  public static final String SUFFIX = ".attestations";

  private LocalAttestations() {}

  public static Path directoryFor(Path model) {
    Path abs = model.toAbsolutePath().normalize();
    return abs.resolveSibling(abs.getFileName() + SUFFIX);
  }

  /**
   * The bundles found, in name order, at most {@link AttestationCheck#MAX_ATTESTATIONS}, each at
   * most the bundle size limit; an unreadable directory is one source without bytes, which fails
   * its bundle check and so is named.
   */
  static List<AttestationSource> read(Path model) {
    Path dir = directoryFor(model);
    List<AttestationSource> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f :
          s.filter(p -> p.getFileName().toString().endsWith(".json"))
              .sorted()
              .limit(AttestationCheck.MAX_ATTESTATIONS)
              .toList()) {
        if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
            && Files.size(f) <= Limits.MAX_BUNDLE_BYTES) {
          out.add(AttestationSource.of(f.toString(), Files.readAllBytes(f)));
        }
      }
    } catch (IOException e) {
      out.add(AttestationSource.of(dir.toString(), new byte[0]));
    }
    return out;
  }
}
