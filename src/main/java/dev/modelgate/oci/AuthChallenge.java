package dev.modelgate.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registry token flow (Docker distribution token auth): a {@code WWW-Authenticate: Bearer
 * realm="…",service="…",scope="…"} challenge names where to get a token. Realms must be HTTPS
 * (loopback HTTP is allowed for tests and local registries), so credentials never travel in clear.
 */
final class AuthChallenge {
  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private AuthChallenge() {}

  /** HTTPS anywhere; plain HTTP only to a loopback host, matched exactly rather than by prefix. */
  private static boolean acceptableRealm(String realm) {
    URI uri;
    try {
      uri = new URI(realm);
    } catch (URISyntaxException e) {
      return false;
    }
    String host = uri.getHost();
    if (host == null) {
      return false;
    }
    if ("https".equals(uri.getScheme())) {
      return true;
    }
    return "http".equals(uri.getScheme())
        && (host.equalsIgnoreCase("localhost")
            || host.equals("[::1]")
            || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}"));
  }

  static Optional<URI> bearerTokenUri(String header, OciReference ref) {
    if (!header.regionMatches(true, 0, "Bearer", 0, 6)) {
      return Optional.empty();
    }
    Map<String, String> params = new HashMap<>();
    Matcher m = PARAM.matcher(header);
    while (m.find()) {
      params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
    }
    String realm = params.get("realm");
    if (realm == null || !acceptableRealm(realm)) {
      return Optional.empty();
    }
    StringBuilder q = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
    if (params.containsKey("service")) {
      q.append("service=")
          .append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8))
          .append('&');
    }
    q.append("scope=")
        .append(
            URLEncoder.encode(
                params.getOrDefault("scope", "repository:" + ref.repository() + ":pull"),
                StandardCharsets.UTF_8));
    try {
      return Optional.of(URI.create(q.toString()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  static Optional<String> bearerToken(byte[] body) {
    try {
      JsonNode tok = new ObjectMapper().readTree(body);
      String token =
          tok.hasNonNull("token") ? tok.get("token").asText() : tok.path("access_token").asText("");
      return token.isEmpty() ? Optional.empty() : Optional.of(token);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
