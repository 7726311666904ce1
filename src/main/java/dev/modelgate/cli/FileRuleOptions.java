package dev.modelgate.cli;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.RelativePath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Flags shared by verify, sign and digest that decide which files of a model count. */
final class FileRuleOptions {
  @Option(
      names = "--ignore-paths",
      arity = "1..*",
      paramLabel = "PATH",
      description = {
        "Paths to leave out (a file, or a directory and everything below it).",
        "As in model_signing, relative paths are taken from the current directory and must lie inside the model."
      })
  List<Path> ignorePaths = new ArrayList<>();

  @Mixin GitPathsOption gitPaths;

  @Option(
      names = "--allow-symlinks",
      description = {
        "Follow symbolic links to regular files.",
        "verify follows only links that stay inside the model; sign and digest follow them anywhere, as model_signing does."
      })
  boolean allowSymlinks;

  /**
   * The ignore paths relative to the model root (reference {@code _resolve_ignore_paths}); one
   * outside the model is an error.
   */
  List<RelativePath> relativeTo(Path model) {
    List<RelativePath> out = new ArrayList<>();
    Path root = realOrAbsolute(model);
    for (Path p : ignorePaths) {
      out.add(
          inside(p, root)
              .orElseThrow(
                  () ->
                      new InvalidInputException(
                          Reason.PATH_UNSAFE,
                          "--ignore-paths " + p + " is not inside the model " + model)));
    }
    return out;
  }

  /**
   * {@code p} (relative to the current directory) as a path below {@code root} (a real path), or
   * empty when it is not below it. The last component is not resolved, so a link itself can be
   * ignored.
   */
  static Optional<RelativePath> inside(Path p, Path root) {
    Path abs = p.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent != null && Files.exists(parent)) {
      abs = realOrAbsolute(parent).resolve(abs.getFileName());
    }
    if (!abs.startsWith(root) || abs.equals(root)) {
      return Optional.empty();
    }
    return Optional.of(RelativePath.between(root, abs));
  }

  static Path realOrAbsolute(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize();
    }
  }
}
