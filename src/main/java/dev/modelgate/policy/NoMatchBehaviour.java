package dev.modelgate.policy;

/** What happens to a model that no policy matches. */
public enum NoMatchBehaviour {
  ALLOW,
  WARN,
  DENY;

  public static NoMatchBehaviour parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("no-match behaviour must be allow, warn or deny, got '" + s + "'");
    }
  }
}
