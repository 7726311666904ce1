package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import java.util.List;
import java.util.Optional;

/**
 * What comparing a model's content with its verified statement found: every difference, how many
 * files and bytes were checked, warnings about what the format cannot prove, and for a restricted
 * download how much of the signed model was checked.
 */
record ContentResult(
    List<Failure> failures,
    long filesChecked,
    long bytesHashed,
    List<String> warnings,
    Optional<PartialCoverage> coverage) {
  ContentResult(
      List<Failure> failures, long filesChecked, long bytesHashed, List<String> warnings) {
    this(failures, filesChecked, bytesHashed, warnings, Optional.empty());
  }

  ContentResult {
    java.util.Objects.requireNonNull(coverage, "coverage");
    failures = List.copyOf(failures);
    warnings = List.copyOf(warnings);
    if (filesChecked < 0 || bytesHashed < 0) {
      throw new IllegalArgumentException("negative counts in a content result");
    }
  }

  static ContentResult refused(List<Failure> failures) {
    return new ContentResult(failures, 0, 0, List.of());
  }
}
