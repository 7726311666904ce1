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
}
