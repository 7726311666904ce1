package dev.modelgate.cli;

import dev.modelgate.oms.IgnoreRules;
import dev.modelgate.oms.ManifestBuilder;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.oms.RelativePath;
import dev.modelgate.oms.Serialization;
import dev.modelgate.verify.VerificationRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** How sign and digest turn their flags into a manifest: the same rules, so their digests agree. */
final class SigningInputs {
  private SigningInputs() {}

  static Path signaturePath(Path model, Path signature) {
    return signature != null ? signature : VerificationRequest.defaultSignature(model);
  }

  static ManifestBuilder.Manifest manifest(
      Path model, Path signature, FileRuleOptions files, HashOptions hash, CommandSpec spec) {
    return manifest(
        model,
        signaturePath(model, signature),
        files.relativeTo(model),
        files.gitPaths.ignoreGitPaths,
        hash.serialization(files.allowSymlinks),
        spec);
  }

  /**
   * The manifest of {@code model} without {@code ignored}, the git paths (if asked) and the
   * signature file {@code signature} when it lies inside.
   */
  static ManifestBuilder.Manifest manifest(
      Path model,
      Path signature,
      List<RelativePath> ignored,
      boolean ignoreGitPaths,
      Serialization serialization,
      CommandSpec spec) {
    List<RelativePath> ignore = new ArrayList<>(ignored);
    if (ignoreGitPaths) {
      ignore.addAll(IgnoreRules.GIT_PATHS);
    }
    Path given = signature.toAbsolutePath();
    Path sig = FileRuleOptions.realOrAbsolute(given.getParent()).resolve(given.getFileName());
    Path root = FileRuleOptions.realOrAbsolute(model);
    if (Files.isDirectory(root) && sig.startsWith(root)) {
      ignore.add(RelativePath.between(root, sig));
    }
    return new ManifestBuilder(ModelHasher.allCores())
        .build(
            model,
            serialization,
            new IgnoreRules(ignore),
            TerminalProgress.forConsole(spec.commandLine().getErr()));
  }
}
