package dev.modelgate.source;

import java.util.ArrayList;
import java.util.List;

/**
 * One shell pattern with the semantics of Python's {@code fnmatch.fnmatchcase} (CPython 3.11
 * Lib/fnmatch.py {@code translate}, the Python KServe's storage-initializer image runs): {@code *}
 * matches any run of characters, {@code /} included; {@code ?} one character; {@code [seq]} and
 * {@code [!seq]} a character in (or not in) the set, with ranges formed as {@code translate} forms
 * them (a hyphen right after a range is literal, a reversed range drops both ends, an emptied set
 * never matches, an emptied negated set matches any character); an unclosed {@code [} is literal;
 * there is no escape character. Case-sensitive, on Unicode code points. On Linux {@code
 * fnmatch.fnmatch} is the same function ({@code os.path.normcase} is the identity on POSIX).
 *
 * <p>Downloaders select files with these patterns, and a verifier that expects a file they did not
 * fetch fails, so the matching is the downloader's own, checked against python3 by {@code
 * FnmatchDifferentialTest}.
 */
public final class Fnmatch {
  /** One position of the pattern: a star, or a test of one code point. */
  private interface Token {
    boolean star();

    boolean matches(int codePoint);
  }

  private static final Token STAR =
      new Token() {
        @Override
        public boolean star() {
          return true;
        }

        @Override
        public boolean matches(int codePoint) {
          return true;
        }
      };

  private record Literal(int c) implements Token {
    @Override
    public boolean star() {
      return false;
    }

    @Override
    public boolean matches(int codePoint) {
      return codePoint == c;
    }
  }

  private record AnyOne() implements Token {
    @Override
    public boolean star() {
      return false;
    }

    @Override
    public boolean matches(int codePoint) {
      return true;
    }
  }

  /** A bracket set: single code points and inclusive ranges, possibly negated. */
  private record CharSet(boolean negated, int[] singles, int[] rangeStarts, int[] rangeEnds)
      implements Token {
    @Override
    public boolean star() {
      return false;
    }

    @Override
    public boolean matches(int codePoint) {
      boolean in = false;
      for (int s : singles) {
        in |= s == codePoint;
      }
      for (int i = 0; i < rangeStarts.length && !in; i++) {
        in = rangeStarts[i] <= codePoint && codePoint <= rangeEnds[i];
      }
      return in != negated;
    }
  }

  private final String pattern;
  private final Token[] tokens;

  private Fnmatch(String pattern, Token[] tokens) {
    this.pattern = pattern;
    this.tokens = tokens;
  }

  /** The pattern, compiled once. */
  public static Fnmatch compile(String pattern) {
    return new Fnmatch(pattern, tokens(pattern.codePoints().toArray()).toArray(new Token[0]));
  }

  public String pattern() {
    return pattern;
  }

  /** True when the whole of {@code name} matches (Python's {@code fnmatchcase(name, pattern)}). */
  public boolean matches(String name) {
    int[] s = name.codePoints().toArray();
    int p = 0;
    int i = 0;
    int starAt = -1;
    int resumeAt = 0;
    // Stars and one-code-point tokens only: the leftmost match after each star is the one to keep
    // (translate's atomic groups say the same), so one backtracking point suffices.
    while (i < s.length) {
      if (p < tokens.length && !tokens[p].star() && tokens[p].matches(s[i])) {
        p++;
        i++;
      } else if (p < tokens.length && tokens[p].star()) {
        starAt = p++;
        resumeAt = i;
      } else if (starAt >= 0) {
        p = starAt + 1;
        i = ++resumeAt;
      } else {
        return false;
      }
    }
    while (p < tokens.length && tokens[p].star()) {
      p++;
    }
    return p == tokens.length;
  }

  /** Pattern characters that have a meaning; a literal file name escapes them in brackets. */
  public static String literal(String name) {
    StringBuilder out = new StringBuilder();
    name.codePoints()
        .forEach(
            c -> {
              if (c == '*' || c == '?' || c == '[') {
                out.append('[').appendCodePoint(c).append(']');
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }

  private static List<Token> tokens(int[] pat) {
    List<Token> out = new ArrayList<>();
    int n = pat.length;
    int i = 0;
    while (i < n) {
      int c = pat[i++];
      if (c == '*') {
        if (out.isEmpty() || !out.get(out.size() - 1).star()) {
          out.add(STAR);
        }
      } else if (c == '?') {
        out.add(new AnyOne());
      } else if (c == '[') {
        int j = i;
        if (j < n && pat[j] == '!') {
          j++;
        }
        if (j < n && pat[j] == ']') {
          j++;
        }
        while (j < n && pat[j] != ']') {
          j++;
        }
        if (j >= n) {
          out.add(new Literal('['));
        } else {
          out.add(charSet(pat, i, j));
          i = j + 1;
        }
      } else {
        out.add(new Literal(c));
      }
    }
    return out;
  }

  /** The set between {@code [} and the {@code ]} at {@code j}, chunked as translate chunks it. */
  private static Token charSet(int[] pat, int i, int j) {
    List<List<Integer>> chunks = new ArrayList<>();
    if (!contains(pat, i, j, '-')) {
      chunks.add(slice(pat, i, j));
    } else {
      int k = pat[i] == '!' ? i + 2 : i + 1;
      while (true) {
        k = find(pat, '-', k, j);
        if (k < 0) {
          break;
        }
        chunks.add(slice(pat, i, k));
        i = k + 1;
        k = k + 3;
      }
      List<Integer> chunk = slice(pat, i, j);
      if (!chunk.isEmpty()) {
        chunks.add(chunk);
      } else {
        chunks.get(chunks.size() - 1).add((int) '-');
      }
      // A reversed range a-b (a > b) is removed with both its ends, as translate removes it.
      for (int k2 = chunks.size() - 1; k2 > 0; k2--) {
        List<Integer> before = chunks.get(k2 - 1);
        List<Integer> after = chunks.get(k2);
        if (before.get(before.size() - 1) > after.get(0)) {
          List<Integer> merged = new ArrayList<>(before.subList(0, before.size() - 1));
          merged.addAll(after.subList(1, after.size()));
          chunks.set(k2 - 1, merged);
          chunks.remove(k2);
        }
      }
    }
    if (chunks.size() == 1 && chunks.get(0).isEmpty()) {
      // Every range was reversed: the set is empty and never matches.
      return new CharSet(false, new int[0], new int[0], new int[0]);
    }
    boolean negated = !chunks.get(0).isEmpty() && chunks.get(0).get(0) == '!';
    if (negated) {
      chunks.get(0).remove(0);
    }
    List<Integer> singles = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    List<Integer> ends = new ArrayList<>();
    for (int k = 0; k < chunks.size(); k++) {
      singles.addAll(chunks.get(k));
      if (k > 0) {
        // The last character of one chunk and the first of the next bound a range; the leading
        // '!' of a negated set was never a range end (the first hyphen is looked for after it).
        List<Integer> before = chunks.get(k - 1);
        starts.add(before.get(before.size() - 1));
        ends.add(chunks.get(k).get(0));
      }
    }
    return new CharSet(negated, toArray(singles), toArray(starts), toArray(ends));
  }

  private static boolean contains(int[] pat, int from, int to, int c) {
    return find(pat, c, from, to) >= 0;
  }

  private static int find(int[] pat, int c, int from, int to) {
    for (int k = Math.max(from, 0); k < to; k++) {
      if (pat[k] == c) {
        return k;
      }
    }
    return -1;
  }

  private static List<Integer> slice(int[] pat, int from, int to) {
    List<Integer> out = new ArrayList<>();
    for (int k = from; k < to; k++) {
      out.add(pat[k]);
    }
    return out;
  }

  private static int[] toArray(List<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public String toString() {
    return pattern;
  }
}
