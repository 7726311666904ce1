package dev.modelgate.cli;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.RelativePath;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The file options of the method subcommands ({@code sign key}, {@code verify sigstore}, …) as
 * model_signing's click CLI declares them (src/model_signing/_cli.py @ e3430730): one value per
 * {@code --ignore-paths}, repeated for more (so the model path that follows is never taken for
 * one), git paths ignored unless {@code --no-ignore-git-paths}.
 */
final class MethodFileOptions {
  @Option(
      names = "--ignore-paths",
      paramLabel = "IGNORE_PATHS",
      description = {
        "A file or directory to leave out; repeat the option for more.",
        "Relative paths are taken from the current directory; one outside the model is skipped, as model_signing skips it."
      })
  List<Path> ignorePaths = new ArrayList<>();

  @Mixin GitPathsOption gitPaths;

  @Option(
      names = "--allow-symlinks",
      description =
          "Follow symbolic links to regular files (verify: only links that stay inside the model).")
  boolean allowSymlinks;

  /**
   * The ignore paths below the model, as model_signing's {@code _resolve_ignore_paths} keeps them:
   * relative to the current directory, and dropped (here with a note on stderr) when outside the
   * model. Dropping one only makes verification stricter.
   */
  List<RelativePath> inside(Path model, PrintWriter err) {
    Path root = FileRuleOptions.realOrAbsolute(model);
    List<RelativePath> out = new ArrayList<>();
    for (Path p : ignorePaths) {
      Optional<RelativePath> r = FileRuleOptions.inside(p, root);
      if (r.isPresent()) {
        out.add(r.get());
      } else if (FileRuleOptions.realOrAbsolute(p).equals(root)) {
        throw new InvalidInputException(
            Reason.PATH_UNSAFE,
            "--ignore-paths " + p + " is the model itself; nothing would be checked");
      } else {
        err.printf(
            "modelgate: note: --ignore-paths %s is not inside the model %s; nothing to leave out%n",
            p, model);
      }
    }
    return out;
  }
}
