package dev.modelgate.verify;

import dev.modelgate.oms.RelativePath;
import dev.modelgate.oms.SerializationMethod;
import java.util.List;
import java.util.Set;

/**
 * What the verifier (not the signer) decides about a model's files.
 *
 * @param ignorePaths model-relative paths exempt from checking, in addition to the signed ones
 * @param ignoreUnsignedFilesUnsafe check only the files the signature names; extra files are
 *     accepted. Unsafe: a model could carry code or weights no one signed.
 * @param allowSymlinks follow symbolic links whose target is a regular file inside the model
 * @param ignoreGitPaths ignore .git, .gitattributes, .github, .gitignore at the model root
 * @param maxLayerDownloadBytes OCI archive layers (tar, tar+gzip) are downloaded and their files
 *     hashed, up to this many bytes in all; 0 (the default) denies archive layers instead. The same
 *     budget holds for all layers of a container image used as a model (a modelcar)
 * @param imageModelPath the model directory inside a container image used as a model: absolute,
 *     normalised; {@code /models} (KServe's modelcar convention) by default
 * @param serializations the OMS serializations a signature may use; empty accepts any
 */
public record VerifyOptions(
    List<RelativePath> ignorePaths,
    boolean ignoreUnsignedFilesUnsafe,
    boolean allowSymlinks,
    boolean ignoreGitPaths,
    long maxLayerDownloadBytes,
    String imageModelPath,
    Set<SerializationMethod> serializations) {

  public static final VerifyOptions DEFAULTS = new VerifyOptions(List.of(), false, false, true);

  public VerifyOptions {
    ignorePaths = List.copyOf(ignorePaths);
    serializations = Set.copyOf(serializations);
    if (maxLayerDownloadBytes < 0) {
      throw new IllegalArgumentException("maxLayerDownloadBytes must not be negative");
    }
    String problem = imageModelPathProblem(imageModelPath);
    if (problem != null) {
      throw new IllegalArgumentException("imageModelPath " + problem);
    }
  }

  public VerifyOptions(
      List<RelativePath> ignorePaths,
      boolean ignoreUnsignedFilesUnsafe,
      boolean allowSymlinks,
      boolean ignoreGitPaths,
      long maxLayerDownloadBytes) {
    this(
        ignorePaths,
        ignoreUnsignedFilesUnsafe,
        allowSymlinks,
        ignoreGitPaths,
        maxLayerDownloadBytes,
        ImageLayers.DEFAULT_MODEL_PATH);
  }

  /** Why {@code path} cannot be an image's model directory, or null when it can. */
  public static String imageModelPathProblem(String path) {
    if (path == null || !path.startsWith("/") || path.length() < 2) {
      return "must be an absolute directory below / (like /models), not '" + path + "'";
    }
    for (String seg : path.substring(1).split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..") || seg.indexOf('\0') >= 0) {
        return "must be a normalised path without empty, '.' or '..' segments or a trailing '/', not '"
            + path
            + "'";
      }
    }
    return null;
  }

  public VerifyOptions(
      List<RelativePath> ignorePaths,
      boolean ignoreUnsignedFilesUnsafe,
      boolean allowSymlinks,
      boolean ignoreGitPaths) {
    this(ignorePaths, ignoreUnsignedFilesUnsafe, allowSymlinks, ignoreGitPaths, 0);
  }

  public VerifyOptions(
      List<RelativePath> ignorePaths,
      boolean ignoreUnsignedFilesUnsafe,
      boolean allowSymlinks,
      boolean ignoreGitPaths,
      long maxLayerDownloadBytes,
      String imageModelPath) {
    this(
        ignorePaths,
        ignoreUnsignedFilesUnsafe,
        allowSymlinks,
        ignoreGitPaths,
        maxLayerDownloadBytes,
        imageModelPath,
        Set.of());
  }

  /** These options, accepting only signatures with one of {@code methods} (empty: any). */
  public VerifyOptions withSerializations(Set<SerializationMethod> methods) {
    return new VerifyOptions(
        ignorePaths,
        ignoreUnsignedFilesUnsafe,
        allowSymlinks,
        ignoreGitPaths,
        maxLayerDownloadBytes,
        imageModelPath,
        methods);
  }

  /** Whether a signature with this serialization is accepted: any, unless the policy names some. */
  public boolean accepts(SerializationMethod method) {
    return serializations.isEmpty() || serializations.contains(method);
  }
}
