package dev.modelgate.cli;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.RelativePath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  @Option(names = "--no-ignore-git-paths", description = "Also cover .git, .gitattributes, .github and .gitignore at the model root.")
  boolean noIgnoreGitPaths;

  @Option(
      names = "--allow-symlinks",
      description = {
        "Follow symbolic links to regular files.",
        "verify follows only links that stay inside the model; sign and digest follow them anywhere, as model_signing does."
      })
  boolean allowSymlinks;

  /** The ignore paths relative to the model root (reference {@code _resolve_ignore_paths}). */
  List<RelativePath> relativeTo(Path model) {
    List<RelativePath> out = new ArrayList<>();
    Path root = realOrAbsolute(model);
    for (Path p : ignorePaths) {
      Path abs = p.toAbsolutePath().normalize();
      Path parent = abs.getParent();
      if (parent != null && Files.exists(parent)) {
        abs = realOrAbsolute(parent).resolve(abs.getFileName());
      }
      if (!abs.startsWith(root) || abs.equals(root)) {
        throw new InvalidInputException(
            Reason.PATH_UNSAFE, "--ignore-paths " + p + " is not inside the model " + model);
      }
      out.add(RelativePath.between(root, abs));
    }
    return out;
  }

  static Path realOrAbsolute(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize();
    }
  }
}
