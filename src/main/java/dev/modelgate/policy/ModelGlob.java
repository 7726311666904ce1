package dev.modelgate.policy;

import java.util.regex.Pattern;

/**
 * A glob over model URIs: {@code *} matches within one path segment, {@code **} across segments,
 * {@code **}{@code /} any number of directories including none, {@code ?} one character; everything
 * else is literal. {@code oci://registry.example.com/models/**} matches every model under that
 * repository prefix, tags and digests included.
 */
public record ModelGlob(String glob, Pattern pattern) {
  public static ModelGlob compile(String glob) {
    if (glob == null || glob.isBlank()) {
      throw new IllegalArgumentException("a model glob must not be empty");
    }
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*'
          && i + 2 < glob.length()
          && glob.charAt(i + 1) == '*'
          && glob.charAt(i + 2) == '/') {
        // "**/" is any number of directories, including none: "**/*.pkl" matches "model.pkl".
        re.append("(?:.*/)?");
        i += 2;
      } else if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        re.append(".*");
        i++;
      } else if (c == '*') {
        re.append("[^/]*");
      } else if (c == '?') {
        re.append("[^/]");
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return new ModelGlob(glob, Pattern.compile(re.toString()));
  }

  public boolean matches(String uri) {
    return pattern.matcher(uri).matches();
  }

  /**
   * True when this glob names claim {@code claim} as the claim of {@code pvc://} models: it starts
   * with {@code pvc://} and its claim segment (up to the next {@code /}) matches the name by the
   * same glob rules ({@code pvc://models-*}{@code /**} names {@code models-a}). A segment with
   * {@code **} may reach across segments, so it is read as matching any claim it could start:
   * naming too many claims only makes more writers visible, never fewer.
   */
  public boolean namesClaim(String claim) {
    if (!glob.startsWith(PVC)) {
      return false;
    }
    String rest = glob.substring(PVC.length());
    int slash = rest.indexOf('/');
    String segment = slash < 0 ? rest : rest.substring(0, slash);
    return !segment.isEmpty() && compile(segment).matches(claim);
  }

  private static final String PVC = "pvc://";
}
