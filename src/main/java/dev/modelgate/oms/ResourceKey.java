package dev.modelgate.oms;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import java.util.Comparator;
import java.util.Objects;

/**
 * What one manifest entry covers: a whole file, or the byte range {@code [start, end)} of a file (a
 * shard). Its {@link #name()} is the string OMS writes in {@code resources[].name}.
 */
public record ResourceKey(RelativePath path, long start, long end)
    implements Comparable<ResourceKey> {
  private static final long WHOLE_FILE = -1;

  /** Path order, then offsets numerically, as the reference sorts shard tuples. */
  private static final Comparator<ResourceKey> ORDER =
      Comparator.comparing(ResourceKey::path, RelativePath.COMPONENT_ORDER)
          .thenComparingLong(ResourceKey::start)
          .thenComparingLong(ResourceKey::end);

  public ResourceKey {
    Objects.requireNonNull(path, "path");
    boolean whole = start == WHOLE_FILE && end == WHOLE_FILE;
    if (!whole && (start < 0 || end <= start)) {
      throw new InvalidInputException(
          Reason.STATEMENT_MALFORMED,
          "shard of '" + path + "' has an empty or negative range " + start + ":" + end);
    }
  }

  public static ResourceKey file(RelativePath path) {
    return new ResourceKey(path, WHOLE_FILE, WHOLE_FILE);
  }

  public static ResourceKey shard(RelativePath path, long start, long end) {
    return new ResourceKey(path, start, end);
  }

  public boolean isShard() {
    return start != WHOLE_FILE;
  }

  /**
   * Parses a shard name {@code <path>:<start>:<end>}. The last two {@code :} components are the
   * offsets (OMS spec 6.3.2), so paths that contain {@code :} survive, unlike the reference's
   * {@code split(":")}.
   */
  public static ResourceKey parseShard(String name) {
    int second = name.lastIndexOf(':');
    int first = second <= 0 ? -1 : name.lastIndexOf(':', second - 1);
    if (first <= 0) {
      throw new InvalidInputException(
          Reason.STATEMENT_MALFORMED,
          "shard name '" + Digest.abbreviate(name) + "' is not <path>:<start>:<end>");
    }
    long start = parseOffset(name, name.substring(first + 1, second));
    long end = parseOffset(name, name.substring(second + 1));
    return shard(RelativePath.parse(name.substring(0, first)), start, end);
  }

  private static long parseOffset(String name, String digits) {
    // ASCII digits without leading zeros, as the reference writes them: one spelling per shard
    // (Character.isDigit would also take other scripts' digits, which Long.parseLong accepts).
    if (!digits.matches("0|[1-9][0-9]{0,17}")) {
      throw new InvalidInputException(
          Reason.STATEMENT_MALFORMED,
          "shard name '" + Digest.abbreviate(name) + "' has a bad offset '" + digits + "'");
    }
    return Long.parseLong(digits);
  }

  /** The canonical {@code resources[].name}. */
  public String name() {
    return isShard() ? path.value() + ":" + start + ":" + end : path.value();
  }

  @Override
  public int compareTo(ResourceKey o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return name();
  }
}
