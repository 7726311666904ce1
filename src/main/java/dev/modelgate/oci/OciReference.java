package dev.modelgate.oci;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An OCI reference: registry, repository, and a tag and/or digest, normalised as Docker does
 * ({@code ubuntu} is {@code docker.io/library/ubuntu:latest}; a first component with a dot, a port
 * or {@code localhost} is a registry). {@code toString()} is the canonical form; it parses back to
 * an equal value.
 *
 * <p>Syntax only: it does no lookups.
 */
public record OciReference(String registry, String repository, String tag, OciDigest digest) {
  public static final String DOCKER_HUB = "docker.io";
  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern HOST =
      Pattern.compile(
          "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\\.(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?))*(?::[0-9]{1,5})?|\\[[0-9a-fA-F:.]+\\](?::[0-9]{1,5})?");

  public OciReference {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(tag, "tag");
    if (tag.isEmpty() && digest == null) {
      throw new IllegalArgumentException("a reference needs a tag or a digest");
    }
  }

  public static OciReference parse(String text) {
    if (text == null || text.isBlank() || text.length() > 1024) {
      throw bad(String.valueOf(text), "is empty or too long");
    }
    String rest = text.trim();
    OciDigest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = OciDigest.parse(rest.substring(at + 1));
      rest = rest.substring(0, at);
    }
    String registry = DOCKER_HUB;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".")
          || first.contains(":")
          || first.equals("localhost")
          || first.startsWith("[")) {
        if (!HOST.matcher(first).matches()) {
          throw bad(text, "has an invalid registry '" + first + "'");
        }
        registry = first.toLowerCase(Locale.ROOT);
        rest = rest.substring(slash + 1);
      }
    }
    String tag = "";
    int colon = rest.lastIndexOf(':');
    if (colon >= 0) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw bad(text, "has an invalid tag '" + tag + "'");
      }
    }
    if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
      rest = "library/" + rest;
    }
    for (String c : rest.split("/", -1)) {
      if (!COMPONENT.matcher(c).matches()) {
        throw bad(
            text,
            "has an invalid repository component '"
                + c
                + "' (lowercase letters, digits, separators)");
      }
    }
    if (tag.isEmpty() && digest == null) {
      tag = "latest";
    }
    return new OciReference(registry, rest, tag, digest);
  }

  /** The host the API is served from: Docker Hub's API lives at registry-1.docker.io. */
  public String apiHost() {
    return registry.equals(DOCKER_HUB) ? "registry-1.docker.io" : registry;
  }

  public boolean isLoopback() {
    String host =
        registry.startsWith("[")
            ? registry.substring(0, registry.indexOf(']') + 1)
            : registry.split(":")[0];
    return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
  }

  public OciReference withDigest(OciDigest d) {
    return new OciReference(registry, repository, tag, d);
  }

  /** The same repository at another tag, without a digest. */
  public OciReference withTag(String otherTag) {
    if (!TAG.matcher(otherTag).matches()) {
      throw bad(
          registry + "/" + repository + ":" + otherTag, "has an invalid tag '" + otherTag + "'");
    }
    return new OciReference(registry, repository, otherTag, null);
  }

  /** What to ask the registry for: the digest when known, else the tag. */
  public String manifestReference() {
    return digest != null ? digest.toString() : tag;
  }

  @Override
  public String toString() {
    return registry
        + "/"
        + repository
        + (tag.isEmpty() ? "" : ":" + tag)
        + (digest == null ? "" : "@" + digest);
  }

  private static InvalidInputException bad(String text, String problem) {
    return new InvalidInputException(
        Reason.MODEL_REFERENCE_INVALID, "OCI reference '" + text + "' " + problem);
  }
}
