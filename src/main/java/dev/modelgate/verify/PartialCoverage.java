package dev.modelgate.verify;

import dev.modelgate.source.DownloadSelection;
import java.util.Locale;

/**
 * How much of a signed model a restricted download's verification covered: the signed files it
 * checked (those the patterns select, and any other that was present), out of all the signature
 * lists, and how many of them the patterns select.
 */
public record PartialCoverage(int checked, int signed, int selected) {
  public PartialCoverage {
    if (checked < 0 || signed < 0 || selected < 0 || checked > signed || selected > signed) {
      throw new IllegalArgumentException("inconsistent partial coverage");
    }
  }

  /** "verified 3 of 7 signed files (the 3 STORAGE_ALLOW_PATTERNS selects)", for people. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "verified %d of %d signed files (the %d %s selects%s)",
        checked,
        signed,
        selected,
        DownloadSelection.VARIABLE,
        checked > selected ? ", and " + (checked - selected) + " more present" : "");
  }
}
