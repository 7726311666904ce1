package dev.modelgate.cli;

import picocli.CommandLine.Option;

/** {@code --[no-]ignore-git-paths}, model_signing's flag pair (default: git paths are left out). */
final class GitPathsOption {
  @Option(
      names = "--ignore-git-paths",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Leave out .git, .gitattributes, .github and .gitignore at the model root (default); --no-ignore-git-paths covers them.")
  boolean ignoreGitPaths;
}
