package dev.modelgate.oms;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Limits;
import dev.modelgate.core.Reason;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A normalised POSIX path relative to a model root, as OMS manifests name files: {@code /}
 * separators, no empty, {@code .} or {@code ..} segments, not absolute. The single-file model's one
 * resource is named {@code "."} ({@link #SELF}).
 *
 * <p>A name must be UTF-8 that survives the trip bytes → string → bytes unchanged: the JVM decodes
 * an undecodable file name to U+FFFD, so two different names on disk would become one manifest
 * name, and a signed name holding a real U+FFFD would match every look-alike. Such names, and
 * unpaired surrogates from JSON escapes, are refused ({@link FileNameEncoding}).
 *
 * <p>Parsing refuses rather than repairs: a signed name that is not already normal is hostile or
 * broken, and silently cleaning it would sign one path and open another.
 */
public record RelativePath(String value) implements Comparable<RelativePath> {
  /** The name of a single-file model's only resource, as the reference writes it. */
  public static final RelativePath SELF = new RelativePath(".");

  /**
   * Component-wise order, code point by code point within a segment: the order of Python's {@code
   * PurePosixPath}, which the reference uses to sort manifests ({@code tokenizer/vocab.txt} before
   * {@code tokenizer.json}).
   */
  public static final Comparator<RelativePath> COMPONENT_ORDER = RelativePath::compareComponents;

  public RelativePath {
    Objects.requireNonNull(value, "value");
    String problem = problem(value);
    if (problem != null) {
      throw new InvalidInputException(
          Reason.PATH_UNSAFE, "unsafe path '" + Digest.abbreviate(value) + "': " + problem);
    }
  }

  public static RelativePath parse(String value) {
    return new RelativePath(value);
  }

  /** The path of {@code file} below {@code root}, which must contain it. */
  public static RelativePath between(Path root, Path file) {
    Path rel = root.relativize(file);
    if (rel.toString().isEmpty()) {
      return SELF;
    }
    StringBuilder sb = new StringBuilder();
    for (Path part : rel) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(part.toString());
    }
    return new RelativePath(sb.toString());
  }

  private static String problem(String v) {
    if (v.equals(".")) {
      return null;
    }
    if (v.isEmpty()) {
      return "empty";
    }
    if (v.length() > Limits.MAX_PATH_CHARS) {
      return "longer than " + Limits.MAX_PATH_CHARS + " characters";
    }
    if (v.startsWith("/")) {
      return "absolute";
    }
    if (v.indexOf('\0') >= 0) {
      return "contains a NUL character";
    }
    if (v.indexOf('\\') >= 0) {
      return "contains a backslash (OMS paths use '/')";
    }
    if (!FileNameEncoding.roundTrips(v)) {
      return "is not valid UTF-8 or contains U+FFFD: such a name cannot be told apart from other undecodable names";
    }
    for (String seg : v.split("/", -1)) {
      if (seg.isEmpty()) {
        return "has an empty segment";
      }
      if (seg.equals("..")) {
        return "contains '..'";
      }
      if (seg.equals(".")) {
        return "contains '.' segment";
      }
    }
    return null;
  }

  public List<String> segments() {
    return this == SELF || value.equals(".") ? List.of() : Arrays.asList(value.split("/"));
  }

  /** True when this path is {@code other} or lies below it (Python's {@code is_relative_to}). */
  public boolean isWithin(RelativePath other) {
    if (other.value.equals(".")) {
      return true;
    }
    return value.equals(other.value) || value.startsWith(other.value + "/");
  }

  /** Resolves against a model root; never leaves it since the path has no {@code ..}. */
  public Path resolveIn(Path root) {
    return value.equals(".") ? root : root.resolve(value);
  }

  @Override
  public int compareTo(RelativePath o) {
    return compareComponents(this, o);
  }

  private static int compareComponents(RelativePath a, RelativePath b) {
    List<String> x = a.segments();
    List<String> y = b.segments();
    for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
      int c = compareCodePoints(x.get(i), y.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.size(), y.size());
  }

  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  @Override
  public String toString() {
    return value;
  }
}
