package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.HashedModel;
import dev.modelgate.oms.IgnoreRules;
import dev.modelgate.oms.ModelContents;
import dev.modelgate.oms.ModelFile;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.oms.ModelWalker;
import dev.modelgate.oms.OmsStatement;
import dev.modelgate.oms.RelativePath;
import dev.modelgate.oms.Resource;
import dev.modelgate.oms.SymlinkPolicy;
import dev.modelgate.source.DownloadSelection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Every file of the model is signed, or ignored by a rule the signer or the verifier stated, and
 * has the signed digest (OMS spec 6; model_signing {@code verifying.py}). The model is hashed with
 * the serialization the signer used (files or shards, sha256/blake2b/blake3).
 *
 * <p>Ignored: git metadata at the root (unless turned off), the signature file when it lies in the
 * model, the signed {@code ignore_paths} and the verifier's own. Symbolic links are followed only
 * when the verifier allows them and only to files inside the model: the signer cannot turn that on.
 *
 * <p>For a download restricted to some files (the request's selection) the part downloaded is
 * checked: every file present is signed and matches, as above, and every signed file the selection
 * picks is present; signed files it does not pick may be absent. Nothing unsigned is accepted.
 */
final class ContentCheck {
  private final ModelHasher hasher;

  ContentCheck(ModelHasher hasher) {
    this.hasher = hasher;
  }

  ContentResult check(VerifiedStatement verified, VerificationRequest request) {
    VerifyOptions options = request.options();
    OmsStatement statement = verified.statement();
    SymlinkPolicy links =
        options.allowSymlinks() ? SymlinkPolicy.FOLLOW_WITHIN_ROOT : SymlinkPolicy.REFUSE;
    ModelContents contents;
    IgnoreRules ignore;
    try {
      ignore = ignoreRules(statement, request);
      if (options.ignoreUnsignedFilesUnsafe()) {
        contents = signedFilesOnly(request.model(), statement, ignore, links);
      } else {
        contents = new ModelWalker(ignore, links).walk(request.model());
      }
    } catch (InvalidInputException e) {
      return ContentResult.refused(List.of(e.toFailure()));
    }
    List<Failure> failures = new ArrayList<>(contents.failures());
    List<String> warnings = new ArrayList<>();
    Expected expected = expected(statement.resources(), contents, ignore, request);
    failures.addAll(expected.failures());
    // Names and lengths first: what is unsigned or of the wrong length is never read.
    FileSetComparison.Outcome cheap =
        FileSetComparison.compare(
            expected.resources(), statement.serialization().method(), contents.files());
    failures.addAll(cheap.failures());
    if (cheap.zeroByteUncovered() > 0) {
      warnings.add(
          String.format(
              Locale.ROOT,
              "%d empty file(s) in the model are not covered: a shards signature has no entry for an empty file (format limit),"
                  + " so an added empty file cannot be detected; sign with the files serialization, or require it (verification.serializations: [files])",
              cheap.zeroByteUncovered()));
    }
    HashedModel hashed = hasher.hash(cheap.toHash(), statement.serialization(), request.progress());
    failures.addAll(hashed.failures());
    failures.addAll(
        ManifestComparison.compare(
            expected.resources(), hashed.resources(), broken(failures), ignore::ignores));
    return new ContentResult(
        failures,
        contents.files().size(),
        cheap.toHash().stream().mapToLong(ModelFile::size).sum(),
        warnings,
        expected.coverage());
  }

  /** The signed resources this request expects in the model, and how much of it that is. */
  private record Expected(
      List<Resource> resources, List<Failure> failures, Optional<PartialCoverage> coverage) {}

  /**
   * Every signed resource, or for a restricted download those the selection picks plus those
   * present anyway: a present file is checked whatever the patterns say, a selected one must be
   * there, and only a signed file that is neither may be absent. A selection that picks no signed
   * file at all verifies nothing, and fails.
   */
  private static Expected expected(
      List<Resource> signed,
      ModelContents contents,
      IgnoreRules ignore,
      VerificationRequest request) {
    if (request.selection().isEmpty()) {
      return new Expected(signed, List.of(), Optional.empty());
    }
    DownloadSelection selection = request.selection().get();
    Predicate<String> selects = selection.matcher();
    Set<String> present = new HashSet<>();
    contents.files().forEach(f -> present.add(f.path().value()));
    List<Resource> out = new ArrayList<>();
    Set<String> all = new HashSet<>();
    Set<String> selected = new HashSet<>();
    Set<String> kept = new HashSet<>();
    for (Resource r : signed) {
      String path = r.key().path().value();
      all.add(path);
      boolean picked = selects.test(path);
      if (picked) {
        selected.add(path);
      }
      // A signed file the verifier's rules ignore is not in the walk: when it lies in the model
      // anyway, it is expected, so it is reported as not checked, as in full mode.
      boolean there =
          present.contains(path)
              || ignore.ignores(r.key().path())
                  && Files.exists(
                      r.key().path().resolveIn(request.model()), LinkOption.NOFOLLOW_LINKS);
      if (picked || there) {
        out.add(r);
        kept.add(path);
      }
    }
    PartialCoverage coverage = new PartialCoverage(kept.size(), all.size(), selected.size());
    List<Failure> failures = new ArrayList<>();
    if (selected.isEmpty()) {
      failures.add(
          Failure.of(
              Reason.PARTIAL_DOWNLOAD_EMPTY,
              "%s %s selects none of the %d signed files: nothing of the model would be verified",
              DownloadSelection.VARIABLE,
              selection.patterns(),
              all.size()));
    }
    return new Expected(out, failures, Optional.of(coverage));
  }

  private static IgnoreRules ignoreRules(OmsStatement statement, VerificationRequest request) {
    VerifyOptions options = request.options();
    List<RelativePath> paths = new ArrayList<>(options.ignorePaths());
    if (options.ignoreGitPaths()) {
      paths.addAll(IgnoreRules.GIT_PATHS);
    }
    paths.addAll(statement.serialization().ignorePaths());
    signatureInsideModel(request.model(), request.signature()).ifPresent(paths::add);
    return new IgnoreRules(paths);
  }

  private static Optional<RelativePath> signatureInsideModel(Path model, Path signature) {
    try {
      Path root = model.toRealPath();
      Path sig = signature.toAbsolutePath().normalize();
      Path sigDir = sig.getParent() == null ? sig : sig.getParent().toRealPath();
      Path real = sigDir.resolve(sig.getFileName());
      if (Files.isDirectory(root) && real.startsWith(root) && !real.equals(root)) {
        return Optional.of(RelativePath.between(root, real));
      }
    } catch (IOException | InvalidInputException e) {
      // The walk reports an unreadable model; a signature elsewhere needs no rule.
    }
    return Optional.empty();
  }

  /**
   * With --ignore-unsigned-files: only the files named in the signature, each checked to be a plain
   * file in the model.
   */
  private static ModelContents signedFilesOnly(
      Path model, OmsStatement statement, IgnoreRules ignore, SymlinkPolicy links) {
    Path root;
    try {
      root = model.toRealPath();
    } catch (IOException e) {
      throw new InvalidInputException(Reason.NOT_FOUND, "model " + model + " does not exist");
    }
    Set<RelativePath> paths = new LinkedHashSet<>();
    for (Resource r : statement.resources()) {
      if (!ignore.ignores(r.key().path())) {
        paths.add(r.key().path());
      }
    }
    List<ModelFile> files = new ArrayList<>();
    List<Failure> failures = new ArrayList<>();
    for (RelativePath p : paths) {
      Path file = p.resolveIn(root);
      try {
        BasicFileAttributes a =
            Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Path real = file.toRealPath();
        if (!real.startsWith(root) || (a.isSymbolicLink() && links == SymlinkPolicy.REFUSE)) {
          failures.add(
              Failure.about(
                  Reason.SYMLINK_REFUSED,
                  p,
                  "'%s' is a symbolic link or lies under one, and is not followed",
                  p));
        } else if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
          failures.add(
              Failure.about(Reason.SPECIAL_FILE_REFUSED, p, "'%s' is not a regular file", p));
        } else if (!real.equals(file) && links == SymlinkPolicy.REFUSE) {
          failures.add(
              Failure.about(Reason.SYMLINK_REFUSED, p, "'%s' lies under a symbolic link", p));
        } else {
          files.add(new ModelFile(p, real, Files.size(real), !real.equals(file)));
        }
      } catch (IOException e) {
        // Missing files are reported by the comparison, with the signed digest.
      }
    }
    return new ModelContents(root, Files.isRegularFile(root), files, failures);
  }

  /**
   * Paths already reported as unreadable or refused, so the comparison does not call them missing
   * too.
   */
  private static Set<String> broken(List<Failure> failures) {
    Set<String> out = new HashSet<>();
    failures.forEach(f -> out.add(f.subject()));
    return out;
  }
}
