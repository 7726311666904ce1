package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.ModelFile;
import dev.modelgate.oms.Resource;
import dev.modelgate.oms.SerializationMethod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cheap half of the comparison, before any byte is read: files the signature does not name are
 * unsigned, and (with {@code shards}, whose entries give each file's length as the end of its last
 * shard) a file of another length has changed. Neither is hashed: an unsigned 20 GiB file is
 * reported at once. {@code files} manifests record no length, so there only the names are compared
 * here.
 *
 * <p>At most {@link #MAX_LISTED_UNSIGNED} unsigned files are named, then one failure counts the
 * rest: a directory of a million stray files yields a bounded report.
 *
 * <p>One exception keeps the rename hint: when a signed file is missing, unsigned files of at most
 * {@link #RENAME_HINT_MAX_BYTES} (among the named ones) are hashed after all, so that the full
 * comparison can say whose signed content they hold. That reads a bounded amount.
 */
final class FileSetComparison {
  static final int MAX_LISTED_UNSIGNED = 100;
  static final long RENAME_HINT_MAX_BYTES = 1 << 20;

  record Outcome(List<ModelFile> toHash, List<Failure> failures, int zeroByteUncovered) {}

  private FileSetComparison() {}

  static Outcome compare(List<Resource> signed, SerializationMethod method, List<ModelFile> found) {
    Map<String, Long> signedLength = new HashMap<>();
    for (Resource r : signed) {
      signedLength.merge(
          r.key().path().value(), r.key().isShard() ? r.key().end() : -1L, Math::max);
    }
    long present = found.stream().filter(f -> signedLength.containsKey(f.path().value())).count();
    boolean someMissing = present < signedLength.size();
    List<ModelFile> toHash = new ArrayList<>((int) present);
    List<Failure> failures = new ArrayList<>();
    int unsigned = 0;
    int zeroByte = 0;
    for (ModelFile f : found) {
      Long length = signedLength.get(f.path().value());
      if (length == null) {
        if (method == SerializationMethod.SHARDS && f.size() == 0) {
          // The shards format has no entry for an empty file (reference behaviour): it cannot be
          // told from an empty file the signer had. Counted, so that verify can warn.
          zeroByte++;
          continue;
        }
        if (++unsigned <= MAX_LISTED_UNSIGNED && someMissing && f.size() <= RENAME_HINT_MAX_BYTES) {
          toHash.add(f);
        } else if (unsigned <= MAX_LISTED_UNSIGNED) {
          failures.add(
              Failure.about(
                  Reason.UNSIGNED_FILE,
                  f.path(),
                  "file '%s' is not covered by the signature",
                  f.path()));
        }
      } else if (length >= 0 && length != f.size()) {
        failures.add(
            Failure.about(
                Reason.DIGEST_MISMATCH,
                f.path(),
                "file '%s' has %d bytes, signed %d bytes",
                f.path(),
                f.size(),
                length));
      } else {
        toHash.add(f);
      }
    }
    if (unsigned > MAX_LISTED_UNSIGNED) {
      failures.add(
          Failure.of(
              Reason.UNSIGNED_FILE,
              "%d more files are not covered by the signature (%d in all; the first %d are named)",
              unsigned - MAX_LISTED_UNSIGNED,
              unsigned,
              MAX_LISTED_UNSIGNED));
    }
    return new Outcome(toHash, failures, zeroByte);
  }
}
