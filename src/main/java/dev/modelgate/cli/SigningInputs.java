package dev.modelgate.cli;

import dev.modelgate.oms.IgnoreRules;
import dev.modelgate.oms.ManifestBuilder;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.oms.RelativePath;
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

  static ManifestBuilder.Manifest manifest(Path model, Path signature, FileRuleOptions files, HashOptions hash, CommandSpec spec) {
    List<RelativePath> ignore = new ArrayList<>(files.relativeTo(model));
    if (!files.noIgnoreGitPaths) {
      ignore.addAll(IgnoreRules.GIT_PATHS);
    }
    Path given = signaturePath(model, signature).toAbsolutePath();
    Path sig = FileRuleOptions.realOrAbsolute(given.getParent()).resolve(given.getFileName());
    Path root = FileRuleOptions.realOrAbsolute(model);
    if (Files.isDirectory(root) && sig.startsWith(root)) {
      ignore.add(RelativePath.between(root, sig));
    }
    return new ManifestBuilder(ModelHasher.allCores())
        .build(model, hash.serialization(files.allowSymlinks), new IgnoreRules(ignore), TerminalProgress.forConsole(spec.commandLine().getErr()));
  }
}
