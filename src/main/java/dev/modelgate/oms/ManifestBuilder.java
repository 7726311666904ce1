package dev.modelgate.oms;

import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import java.nio.file.Path;
import java.util.List;

/**
 * Computes a model's manifest the way a signer does: enumerate with the given ignore rules, hash,
 * sort in the reference's order. Used by {@code sign} and {@code digest}.
 */
public final class ManifestBuilder {
  private final ModelHasher hasher;

  public ManifestBuilder(ModelHasher hasher) {
    this.hasher = hasher;
  }

  /** The manifest, its serialization (with the ignore paths recorded) and the subject name. */
  public record Manifest(
      String subjectName, Serialization serialization, List<Resource> resources) {
    public Manifest {
      resources = List.copyOf(resources);
    }

    public Digest rootDigest() {
      return RootDigest.of(resources);
    }

    /**
     * The statement to sign.
     *
     * @throws InvalidInputException (LIMIT_EXCEEDED) when the bundle it goes into would be larger
     *     than verify reads, so that a signer is told now, before signing, and never writes a
     *     signature that no verifier accepts
     */
    public byte[] statement() {
      if (resources.isEmpty()) {
        throw new InvalidInputException(
            Reason.STATEMENT_MALFORMED,
            "nothing to sign: the model has no file with content that a manifest can name (empty files get no entry with shards);"
                + " OMS v1.0 requires at least one resource, and verify refuses empty manifests");
      }
      byte[] statement = StatementWriter.write(subjectName, serialization, resources);
      BundleWriter.requireFits(statement.length, resources.size());
      return statement;
    }
  }

  /**
   * @throws InvalidInputException listing every refused entry (links, special files, unreadable
   *     files): a signer must never sign a model it could not read whole.
   */
  public Manifest build(
      Path model, Serialization serialization, IgnoreRules ignore, HashProgress progress) {
    SymlinkPolicy links =
        serialization.allowSymlinks() ? SymlinkPolicy.FOLLOW_ANYWHERE_UNSAFE : SymlinkPolicy.REFUSE;
    ModelContents contents = new ModelWalker(ignore, links).walk(model);
    refuseIfAny(contents.failures());
    HashedModel hashed = hasher.hash(contents.files(), serialization, progress);
    refuseIfAny(hashed.failures());
    // The reference names the subject after the model directory (or file), resolved.
    Path name = contents.root().getFileName();
    Serialization recorded =
        serialization.withIgnorePaths(contents.singleFile() ? List.of() : ignore.paths());
    return new Manifest(name == null ? "" : name.toString(), recorded, hashed.resources());
  }

  private static void refuseIfAny(List<Failure> failures) {
    if (failures.isEmpty()) {
      return;
    }
    StringBuilder msg = new StringBuilder("model cannot be hashed: ");
    for (int i = 0; i < failures.size(); i++) {
      msg.append(i == 0 ? "" : "; ").append(failures.get(i).message());
    }
    throw new InvalidInputException(failures.get(0).reason(), msg.toString());
  }
}
