package dev.modelgate.source;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.RelativePath;
import java.util.Locale;
import java.util.Objects;

/**
 * A model reference as a workload writes it: {@code oci://registry/repo[:tag|@sha256:...]}, {@code
 * pvc://<claim>/<path>}, {@code volume://<volume>/<path>} or {@code file:///<absolute path>}.
 * {@code toString()} is the canonical form and parses back to an equal value.
 *
 * <p>Parsing is syntactic: it does not resolve registries, claims or files. Paths inside volumes
 * follow the manifest path rules (no {@code ..}), so a reference cannot escape its volume.
 */
public record ModelUri(ModelScheme scheme, String location, String path) {
  /** Longest reference accepted (a Kubernetes annotation value may be large; a URI is not). */
  public static final int MAX_LENGTH = 2048;

  public ModelUri {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(path, "path");
  }

  public static ModelUri parse(String text) {
    if (text == null || text.isBlank()) {
      throw bad(String.valueOf(text), "is empty");
    }
    if (!text.equals(text.strip())) {
      // Trimming would make two spellings of one reference; found by UntrustedInputPropertiesTest.
      throw bad(text.strip(), "has leading or trailing whitespace");
    }
    String t = text;
    if (t.length() > MAX_LENGTH) {
      throw bad(t.substring(0, 60) + "...", "is longer than " + MAX_LENGTH + " characters");
    }
    int sep = t.indexOf("://");
    if (sep <= 0) {
      throw bad(t, "has no scheme; expected oci://, pvc://, volume:// or file://");
    }
    ModelScheme scheme;
    try {
      scheme = ModelScheme.valueOf(t.substring(0, sep).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      scheme = ModelScheme.DOWNLOAD;
    }
    if (scheme == ModelScheme.DOWNLOAD) {
      throw bad(
          t,
          "has scheme '"
              + t.substring(0, sep)
              + "', which ModelGate cannot read at admission; expected oci, pvc, volume or file"
              + " (a model a container downloads is declared where it lands: volume://<volume>/<path>)");
    }
    String rest = t.substring(sep + 3);
    switch (scheme) {
      case OCI:
        if (rest.isEmpty() || rest.chars().anyMatch(c -> c <= ' ')) {
          throw bad(t, "is not an OCI reference");
        }
        return new ModelUri(scheme, rest, "");
      case FILE:
        if (!rest.startsWith("/") || rest.length() < 2) {
          throw bad(t, "must name an absolute path (file:///dir)");
        }
        String abs =
            rest.endsWith("/") && rest.length() > 1 ? rest.substring(0, rest.length() - 1) : rest;
        if (!abs.equals(abs.strip())) {
          throw bad(t, "has a path ending in whitespace");
        }
        RelativePath.parse(abs.substring(1));
        return new ModelUri(scheme, "", abs);
      case PVC:
      case VOLUME:
        int slash = rest.indexOf('/');
        String name = slash < 0 ? rest : rest.substring(0, slash);
        String inner = slash < 0 || slash == rest.length() - 1 ? "" : rest.substring(slash + 1);
        if (!name.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
          throw bad(
              t, "names '" + name + "', which is not a valid Kubernetes volume or claim name");
        }
        String trimmedInner = inner.endsWith("/") ? inner.substring(0, inner.length() - 1) : inner;
        if (!trimmedInner.equals(trimmedInner.strip())) {
          throw bad(t, "has a path ending in whitespace");
        }
        if (!inner.isEmpty()) {
          RelativePath.parse(trimmedInner);
        }
        return new ModelUri(
            scheme, name, inner.endsWith("/") ? inner.substring(0, inner.length() - 1) : inner);
      default:
        throw bad(t, "has an unsupported scheme");
    }
  }

  /**
   * A URI a container of the pod downloads, as written ({@code s3://bucket/llama}, {@code
   * https://host/model.tar.gz}, KServe's {@code oci://} fetch): a scheme of letters, digits, {@code
   * + . -}, then a non-empty rest without whitespace or control characters.
   */
  public static ModelUri download(String text) {
    if (text == null || text.isEmpty()) {
      throw bad(String.valueOf(text), "is empty");
    }
    if (text.length() > MAX_LENGTH) {
      throw bad(text.substring(0, 60) + "...", "is longer than " + MAX_LENGTH + " characters");
    }
    int sep = text.indexOf("://");
    if (sep <= 0 || !text.substring(0, sep).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
      throw bad(text, "has no scheme (scheme://...)");
    }
    if (sep + 3 == text.length() || text.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      throw bad(text, "is empty after its scheme or contains whitespace or control characters");
    }
    return new ModelUri(ModelScheme.DOWNLOAD, text, "");
  }

  /** The scheme as written: {@code s3}, {@code hf}, {@code oci}, {@code pvc}, ... */
  public String schemeName() {
    String s = toString();
    return s.substring(0, s.indexOf("://"));
  }

  @Override
  public String toString() {
    switch (scheme) {
      case DOWNLOAD:
        return location;
      case OCI:
        return scheme.prefix() + location;
      case FILE:
        return scheme.prefix() + path;
      default:
        return scheme.prefix() + location + (path.isEmpty() ? "" : "/" + path);
    }
  }

  private static InvalidInputException bad(String text, String problem) {
    return new InvalidInputException(
        Reason.MODEL_REFERENCE_INVALID, "model reference '" + text + "' " + problem);
  }
}
