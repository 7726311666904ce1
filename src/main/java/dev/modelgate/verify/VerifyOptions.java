package dev.modelgate.verify;

import dev.modelgate.oms.RelativePath;
import java.util.List;

/**
 * What the verifier (not the signer) decides about a model's files.
 *
 * @param ignorePaths model-relative paths exempt from checking, in addition to the signed ones
 * @param ignoreUnsignedFilesUnsafe check only the files the signature names; extra files are
 *     accepted. Unsafe: a model could carry code or weights no one signed.
 * @param allowSymlinks follow symbolic links whose target is a regular file inside the model
 * @param ignoreGitPaths ignore .git, .gitattributes, .github, .gitignore at the model root
 * @param maxLayerDownloadBytes OCI archive layers (tar, tar+gzip) are downloaded and their files
 *     hashed, up to this many bytes in all; 0 (the default) denies archive layers instead
 */
public record VerifyOptions(
    List<RelativePath> ignorePaths,
    boolean ignoreUnsignedFilesUnsafe,
    boolean allowSymlinks,
    boolean ignoreGitPaths,
    long maxLayerDownloadBytes) {

  public static final VerifyOptions DEFAULTS = new VerifyOptions(List.of(), false, false, true);

  public VerifyOptions {
    ignorePaths = List.copyOf(ignorePaths);
    if (maxLayerDownloadBytes < 0) {
      throw new IllegalArgumentException("maxLayerDownloadBytes must not be negative");
    }
  }

  public VerifyOptions(List<RelativePath> ignorePaths, boolean ignoreUnsignedFilesUnsafe, boolean allowSymlinks, boolean ignoreGitPaths) {
    this(ignorePaths, ignoreUnsignedFilesUnsafe, allowSymlinks, ignoreGitPaths, 0);
  }
}
