package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.Digest;
import dev.modelgate.oms.RelativePath;
import dev.modelgate.oms.Resource;
import dev.modelgate.oms.ResourceKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Compares the signed manifest with the one computed from the model: every difference becomes a
 * failure that names the file, and for a changed file the signed and found digests. A file whose
 * content was signed under another name is reported as a probable rename.
 */
final class ManifestComparison {
  private ManifestComparison() {}

  static List<Failure> compare(
      List<Resource> signed, List<Resource> found, Set<String> alreadyReported) {
    return compare(signed, found, alreadyReported, path -> false);
  }

  /**
   * @param ignored the verifier's own ignore rules: a signed file they skip is present but was not
   *     checked, and is reported as ignored, not as missing
   */
  static List<Failure> compare(
      List<Resource> signed,
      List<Resource> found,
      Set<String> alreadyReported,
      Predicate<RelativePath> ignored) {
    Map<ResourceKey, Digest> expected = new LinkedHashMap<>();
    signed.forEach(r -> expected.put(r.key(), r.digest()));
    Map<ResourceKey, Digest> actual = new LinkedHashMap<>();
    found.forEach(r -> actual.put(r.key(), r.digest()));

    List<Failure> failures = new ArrayList<>();
    Map<Digest, ResourceKey> missingByDigest = new HashMap<>();
    for (Map.Entry<ResourceKey, Digest> e : expected.entrySet()) {
      Digest got = actual.get(e.getKey());
      if (got == null) {
        if (ignored.test(e.getKey().path())) {
          failures.add(
              Failure.about(
                  Reason.FILE_MISSING,
                  e.getKey().path(),
                  "signed %s is ignored by the verifier's rules, so it was not checked; stop ignoring it or re-sign without it",
                  describe(e.getKey())));
        } else if (!alreadyReported.contains(e.getKey().path().value())) {
          missingByDigest.putIfAbsent(e.getValue(), e.getKey());
          failures.add(
              Failure.about(
                  Reason.FILE_MISSING,
                  e.getKey().path(),
                  "signed %s is missing",
                  describe(e.getKey())));
        }
      } else if (!got.equals(e.getValue())) {
        failures.add(
            Failure.about(
                Reason.DIGEST_MISMATCH,
                e.getKey().path(),
                "%s has %s, signed %s",
                describe(e.getKey()),
                got,
                e.getValue()));
      }
    }
    for (Map.Entry<ResourceKey, Digest> e : actual.entrySet()) {
      if (!expected.containsKey(e.getKey())) {
        ResourceKey was = missingByDigest.get(e.getValue());
        String hint =
            was == null ? "" : "; it has the content signed for '" + was.path() + "' (renamed?)";
        failures.add(
            Failure.about(
                Reason.UNSIGNED_FILE,
                e.getKey().path(),
                "%s is not covered by the signature%s",
                describe(e.getKey()),
                hint));
      }
    }
    return failures;
  }

  private static String describe(ResourceKey key) {
    if (key.isShard()) {
      return "file '" + key.path() + "' bytes " + key.start() + "-" + key.end();
    }
    return "file '" + key.path() + "'";
  }
}
