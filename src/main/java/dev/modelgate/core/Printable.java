package dev.modelgate.core;

/**
 * Text from untrusted input made safe to print on one line: control characters (C0, DEL, C1, which
 * include ESC and so every ANSI sequence), line and paragraph separators, and the bidi controls
 * that reorder what a reader sees (Trojan Source, CVE-2021-42574) are written as a backslash, 'x'
 * and two hex digits, or 'u' and four. A file named with a carriage return and an ANSI colour
 * sequence therefore cannot paint a false "Verified" line on a terminal, split a log record, or
 * forge a line of a termination message.
 */
public final class Printable {
  private Printable() {}

  public static String escape(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String replacement = replacement(c);
      if (replacement == null) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      out.append(replacement);
    }
    return out == null ? s : out.toString();
  }

  private static String replacement(char c) {
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
      return String.format("\\x%02x", (int) c);
    }
    if (c == '\u2028'
        || c == '\u2029'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069')
        || c == '\u200e'
        || c == '\u200f'
        || c == '\u061c') {
      return String.format("\\u%04x", (int) c);
    }
    return null;
  }
}
