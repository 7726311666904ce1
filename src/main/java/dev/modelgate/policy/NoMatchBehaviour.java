package dev.modelgate.policy;

import java.util.Locale;

/** What happens to a model that no policy matches. */
public enum NoMatchBehaviour {
  ALLOW,
  WARN,
  DENY;

  public static NoMatchBehaviour parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "no-match behaviour must be allow, warn or deny, got '" + s + "'");
    }
  }
}
