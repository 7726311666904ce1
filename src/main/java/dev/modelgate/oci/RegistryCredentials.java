package dev.modelgate.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Username and password per registry host, from a Docker {@code config.json} ({@code auths}: {@code
 * auth} as base64 user:password, or {@code username}/{@code password}). The same format is the
 * {@code .dockerconfigjson} of Kubernetes imagePullSecrets. Credential helpers are not run.
 */
public final class RegistryCredentials {
  public static final RegistryCredentials NONE = new RegistryCredentials(Map.of());

  private final Map<String, String[]> byHost;

  private RegistryCredentials(Map<String, String[]> byHost) {
    this.byHost = Map.copyOf(byHost);
  }

  /** {@code $DOCKER_CONFIG/config.json} or {@code ~/.docker/config.json}, when present. */
  public static RegistryCredentials fromDefaultDockerConfig() {
    String dir = System.getenv("DOCKER_CONFIG");
    Path p =
        dir != null
            ? Path.of(dir, "config.json")
            : Path.of(System.getProperty("user.home"), ".docker", "config.json");
    return Files.isRegularFile(p) ? fromDockerConfig(p) : NONE;
  }

  public static RegistryCredentials fromDockerConfig(Path file) {
    try {
      return fromDockerConfigJson(Files.readAllBytes(file));
    } catch (IOException e) {
      return NONE;
    }
  }

  public static RegistryCredentials fromDockerConfigJson(byte[] json) {
    Map<String, String[]> out = new HashMap<>();
    try {
      JsonNode auths = new ObjectMapper().readTree(json).path("auths");
      auths
          .fields()
          .forEachRemaining(
              e -> {
                String host = e.getKey().replaceFirst("^https?://", "").replaceFirst("/.*$", "");
                JsonNode v = e.getValue();
                if (v.hasNonNull("auth")) {
                  String decoded =
                      new String(
                          Base64.getDecoder().decode(v.get("auth").asText()),
                          StandardCharsets.UTF_8);
                  int colon = decoded.indexOf(':');
                  if (colon > 0) {
                    out.put(
                        host,
                        new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
                  }
                } else if (v.hasNonNull("username") && v.hasNonNull("password")) {
                  out.put(
                      host, new String[] {v.get("username").asText(), v.get("password").asText()});
                }
              });
    } catch (IOException | IllegalArgumentException e) {
      return NONE;
    }
    return new RegistryCredentials(out);
  }

  /** These credentials, with {@code other}'s taking precedence for hosts both know. */
  public RegistryCredentials overriddenBy(RegistryCredentials other) {
    Map<String, String[]> all = new HashMap<>(byHost);
    all.putAll(other.byHost);
    return new RegistryCredentials(all);
  }

  public boolean isEmpty() {
    return byHost.isEmpty();
  }

  public static RegistryCredentials basic(String host, String user, String password) {
    return new RegistryCredentials(Map.of(host, new String[] {user, password}));
  }

  /** The {@code Authorization: Basic} value for a host, if credentials are known. */
  public Optional<String> basicAuth(String host) {
    String[] up = byHost.get(host);
    if (up == null && host.equals("registry-1.docker.io")) {
      up = byHost.getOrDefault("index.docker.io", byHost.get("docker.io"));
    }
    return up == null
        ? Optional.empty()
        : Optional.of(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString((up[0] + ":" + up[1]).getBytes(StandardCharsets.UTF_8)));
  }
}
