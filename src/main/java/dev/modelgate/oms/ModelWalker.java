package dev.modelgate.oms;

import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Limits;
import dev.modelgate.core.Reason;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Enumerates a model directory (or single file) without following links or opening anything: every
 * regular file not ignored, and a failure for every special file (FIFO, socket, device) and every
 * link the {@link SymlinkPolicy} refuses. Special files are detected from their attributes, never
 * opened, so a FIFO cannot block the walk.
 */
public final class ModelWalker {
  private final IgnoreRules ignore;
  private final SymlinkPolicy symlinks;
  private final int maxFiles;

  public ModelWalker(IgnoreRules ignore, SymlinkPolicy symlinks) {
    this(ignore, symlinks, Limits.MAX_MODEL_FILES);
  }

  public ModelWalker(IgnoreRules ignore, SymlinkPolicy symlinks, int maxFiles) {
    this.ignore = ignore;
    this.symlinks = symlinks;
    this.maxFiles = maxFiles;
  }

  /**
   * Walks {@code model}. The model path itself may be a link (it is the caller's choice of root);
   * links below it are judged by the policy.
   *
   * @throws InvalidInputException if the model does not exist or is not a directory or regular file
   */
  public ModelContents walk(Path model) {
    FileNameEncoding.requireUtf8();
    Path root;
    try {
      root = model.toRealPath();
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(Reason.NOT_FOUND, "model " + model + " does not exist", e);
    } catch (IOException e) {
      throw new InvalidInputException(
          Reason.IO_ERROR, "model " + model + " cannot be read: " + e, e);
    }
    if (Files.isRegularFile(root, LinkOption.NOFOLLOW_LINKS)) {
      return singleFile(root);
    }
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidInputException(
          Reason.SPECIAL_FILE_REFUSED,
          "model " + model + " is neither a directory nor a regular file");
    }
    Visitor v = new Visitor(root);
    try {
      Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, v);
    } catch (IOException e) {
      throw new InvalidInputException(
          Reason.IO_ERROR, "model " + model + " cannot be walked: " + e, e);
    }
    return new ModelContents(root, false, v.files, v.failures);
  }

  private ModelContents singleFile(Path file) {
    try {
      BasicFileAttributes a =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return new ModelContents(
          file,
          true,
          List.of(new ModelFile(RelativePath.SELF, file, a.size(), false, a.fileKey())),
          List.of());
    } catch (IOException e) {
      throw new InvalidInputException(
          Reason.IO_ERROR, "model " + file + " cannot be read: " + e, e);
    }
  }

  private final class Visitor extends SimpleFileVisitor<Path> {
    private final Path root;
    private final List<ModelFile> files = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();

    Visitor(Path root) {
      this.root = root;
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
      if (dir.equals(root)) {
        return FileVisitResult.CONTINUE;
      }
      RelativePath rel = relative(dir);
      return rel == null || ignore.ignores(rel)
          ? FileVisitResult.SKIP_SUBTREE
          : FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
      RelativePath rel = relative(file);
      if (rel == null || ignore.ignores(rel)) {
        return FileVisitResult.CONTINUE;
      }
      if (files.size() >= maxFiles) {
        failures.add(
            Failure.of(
                Reason.LIMIT_EXCEEDED,
                "model has more than %d files; stopped at '%s'",
                maxFiles,
                rel));
        return FileVisitResult.TERMINATE;
      }
      if (attrs.isSymbolicLink()) {
        link(file, rel);
      } else if (attrs.isRegularFile()) {
        files.add(new ModelFile(rel, file, attrs.size(), false, attrs.fileKey()));
      } else if (attrs.isOther()) {
        failures.add(
            Failure.about(
                Reason.SPECIAL_FILE_REFUSED,
                rel,
                "'%s' is a special file (FIFO, socket or device); models may only contain regular files",
                rel));
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException e) {
      RelativePath rel = relative(file);
      Object name = rel == null ? file : rel;
      failures.add(
          Failure.about(Reason.IO_ERROR, name, "'%s' cannot be read: %s", name, e.getMessage()));
      return FileVisitResult.CONTINUE;
    }

    private void link(Path file, RelativePath rel) {
      if (symlinks == SymlinkPolicy.REFUSE) {
        failures.add(
            Failure.about(
                Reason.SYMLINK_REFUSED,
                rel,
                "'%s' is a symbolic link and symbolic links are not allowed",
                rel));
        return;
      }
      Path target;
      try {
        target = file.toRealPath();
      } catch (IOException e) {
        failures.add(
            Failure.about(Reason.SYMLINK_REFUSED, rel, "'%s' is a dangling symbolic link", rel));
        return;
      }
      if (symlinks == SymlinkPolicy.FOLLOW_WITHIN_ROOT && !target.startsWith(root)) {
        failures.add(
            Failure.about(
                Reason.SYMLINK_REFUSED,
                rel,
                "'%s' is a symbolic link that points outside the model",
                rel));
        return;
      }
      try {
        BasicFileAttributes a =
            Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
          failures.add(
              Failure.about(
                  Reason.SYMLINK_REFUSED,
                  rel,
                  "'%s' is a symbolic link to something other than a regular file",
                  rel));
          return;
        }
        files.add(new ModelFile(rel, target, a.size(), true, a.fileKey()));
      } catch (IOException e) {
        failures.add(
            Failure.about(Reason.IO_ERROR, rel, "'%s' cannot be read: %s", rel, e.getMessage()));
      }
    }

    /** The manifest path, or null (with a failure recorded) when the name cannot be one. */
    private RelativePath relative(Path p) {
      try {
        return RelativePath.between(root, p);
      } catch (InvalidInputException e) {
        failures.add(new Failure(Reason.PATH_UNSAFE, "file name refused: " + e.getMessage()));
        return null;
      }
    }
  }
}
