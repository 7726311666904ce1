package dev.modelgate.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.core.StrictJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A download restricted to the files some patterns select: KServe's storage-initializer with {@code
 * STORAGE_ALLOW_PATTERNS} (kserve/kserve at aaac4e294dae2c7b1aa1886447793f3aa1c30912,
 * python/storage/kserve_storage/kserve_storage.py {@code _parse_patterns_from_env}, {@code
 * _should_download}, {@code _download_hf}), which the LLMInferenceService controller sets on the
 * scheduler's tokenizer-only download (pkg/controller/v1alpha2/llmisvc/workload_storage.go {@code
 * tokenizerOnlyDownload}). The verifier of such a download checks only the part it selects, with
 * the downloader's own matching:
 *
 * <ul>
 *   <li>{@link Dialect#HUGGING_FACE_HUB} for {@code hf://}: huggingface_hub's {@code
 *       filter_repo_objects} (src/huggingface_hub/utils/_paths.py at
 *       ee0a4510f4bc15e26cb722be2efc2bdb01383ca0): {@code fnmatchcase} on the repository path,
 *       backslashes read as {@code /} in paths and patterns, a pattern ending in {@code /} given a
 *       {@code *};
 *   <li>{@link Dialect#FNMATCH} for every other scheme: {@code _should_download}'s {@code
 *       fnmatch.fnmatch} on the path relative to the download root (case-sensitive on Linux).
 * </ul>
 *
 * @param container the init container that downloads (its env holds the patterns)
 * @param patterns the patterns as the downloader reads them, in order; never empty
 * @param dialect how the downloader matches them
 */
public record DownloadSelection(String container, List<String> patterns, Dialect dialect) {
  /** The storage-initializer's variable. */
  public static final String VARIABLE = "STORAGE_ALLOW_PATTERNS";

  /** At most this many patterns: the verifier carries each as an argument. */
  public static final int MAX_PATTERNS = 512;

  /** At most this many characters in all patterns together. */
  public static final int MAX_CHARS = 32 * 1024;

  /**
   * JSON as Python's {@code json.loads} takes it, as far as this reads it: duplicate keys are JSON
   * (the last wins; StrictJson refuses them, which would send such a value to comma splitting),
   * trailing text is not. An object, or one in the array, is then refused below. NaN and Infinity
   * stay errors here, and are refused.
   */
  private static final ObjectMapper PYTHON_JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  /** The matching a downloader applies. */
  public enum Dialect {
    HUGGING_FACE_HUB,
    FNMATCH;

    /** The dialect of the downloader that fetches {@code sourceUri}. */
    public static Dialect forSource(String sourceUri) {
      return sourceUri.startsWith("hf://") ? HUGGING_FACE_HUB : FNMATCH;
    }
  }

  public DownloadSelection {
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(dialect, "dialect");
    patterns = List.copyOf(patterns);
    if (patterns.isEmpty()) {
      throw new IllegalArgumentException("a restricted download has patterns");
    }
    checkLimits(patterns);
  }

  /**
   * The selection a verifier is handed as arguments ({@code --allow-pattern}): the patterns of a
   * download of {@code sourceUri}, matched as its downloader matches them; empty when there are no
   * patterns (the whole model was downloaded). The container is not known there.
   */
  public static Optional<DownloadSelection> forVerifier(List<String> patterns, String sourceUri) {
    return patterns.isEmpty()
        ? Optional.empty()
        : Optional.of(new DownloadSelection("", patterns, Dialect.forSource(sourceUri)));
  }

  /** True when the downloader fetches the file at {@code relativePath} (with {@code /}). */
  public boolean selects(String relativePath) {
    return matcher().test(relativePath);
  }

  /** {@link #selects}, with the patterns compiled once: for asking about every file of a model. */
  public Predicate<String> matcher() {
    List<Fnmatch> compiled = patterns.stream().map(this::compile).toList();
    return relativePath -> {
      String path =
          dialect == Dialect.HUGGING_FACE_HUB ? relativePath.replace('\\', '/') : relativePath;
      for (Fnmatch f : compiled) {
        if (f.matches(path)) {
          return true;
        }
      }
      return false;
    };
  }

  /**
   * These patterns, plus one that selects exactly {@code relativePath} when none does yet; empty
   * when the dialect cannot name that path.
   */
  public Optional<DownloadSelection> including(String relativePath) {
    if (selects(relativePath)) {
      return Optional.of(this);
    }
    if (dialect == Dialect.HUGGING_FACE_HUB
        && (relativePath.indexOf('\\') >= 0 || relativePath.endsWith("/"))) {
      return Optional.empty();
    }
    List<String> more = new ArrayList<>(patterns);
    more.add(Fnmatch.literal(relativePath));
    DownloadSelection wider = new DownloadSelection(container, more, dialect);
    return wider.selects(relativePath) ? Optional.of(wider) : Optional.empty();
  }

  /**
   * The value to give the variable: a JSON array, which the storage-initializer reads first ({@code
   * json.loads}), so no pattern is split at a comma.
   */
  public String envValue() {
    try {
      return StrictJson.mapper().writeValueAsString(patterns);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a list of strings is JSON", e);
    }
  }

  private Fnmatch compile(String pattern) {
    if (dialect == Dialect.HUGGING_FACE_HUB) {
      String p = pattern.replace('\\', '/');
      return Fnmatch.compile(p.endsWith("/") ? p + "*" : p);
    }
    return Fnmatch.compile(pattern);
  }

  /**
   * The patterns a value of {@code STORAGE_ALLOW_PATTERNS} gives, read as {@code
   * _parse_patterns_from_env} reads it: stripped; a JSON array (each string stripped, empty ones
   * dropped) or a JSON string; otherwise the comma-separated parts, stripped, empty ones dropped.
   * Empty when the download is not restricted (no value, or no pattern: KServe then downloads
   * everything). A value the initializer would read in a way this cannot be sure of (JSON numbers,
   * booleans, null, objects or nested arrays, which it turns into Python's {@code str()} of them;
   * {@code NaN} or {@code Infinity}, which Python's JSON accepts and this does not) is refused.
   */
  public static List<String> parseKServeValue(String value) {
    String v = pythonStrip(value);
    if (v.isEmpty()) {
      return List.of();
    }
    JsonNode json = null;
    try {
      json = PYTHON_JSON.readTree(v);
    } catch (StreamConstraintsException e) {
      // Too long a number or too deep a nesting for Jackson is still JSON to Python (or crashes
      // it): never comma-split text that may be JSON.
      throw refused(value, "it may be JSON beyond what ModelGate reads (" + e.getMessage() + ")");
    } catch (JsonProcessingException e) {
      if (v.contains("NaN") || v.contains("Infinity")) {
        throw refused(value, "it may be JSON with NaN or Infinity, which Python reads as numbers");
      }
    }
    List<String> out = new ArrayList<>();
    if (json == null) {
      for (String part : v.split(",", -1)) {
        add(out, part);
      }
    } else if (json.isArray()) {
      for (JsonNode item : json) {
        if (!item.isTextual()) {
          throw refused(value, "item " + item + " is not a string");
        }
        add(out, item.asText());
      }
    } else if (json.isTextual()) {
      add(out, json.asText());
    } else {
      throw refused(value, "it is JSON but neither an array nor a string");
    }
    checkLimits(out);
    return List.copyOf(out);
  }

  private static void add(List<String> out, String pattern) {
    String p = pythonStrip(pattern);
    if (!p.isEmpty()) {
      out.add(p);
    }
  }

  private static void checkLimits(List<String> patterns) {
    if (patterns.size() > MAX_PATTERNS) {
      throw new InvalidInputException(
          Reason.LIMIT_EXCEEDED,
          VARIABLE
              + " has "
              + patterns.size()
              + " patterns; at most "
              + MAX_PATTERNS
              + " are read");
    }
    long chars = 0;
    for (String p : patterns) {
      chars += p.length();
      for (int i = 0; i < p.length(); i++) {
        char c = p.charAt(i);
        boolean paired =
            Character.isHighSurrogate(c)
                ? i + 1 < p.length() && Character.isLowSurrogate(p.charAt(++i))
                : !Character.isLowSurrogate(c);
        if (!paired || c == '\0') {
          throw new InvalidInputException(
              Reason.MODEL_SOURCE_UNSUPPORTED,
              VARIABLE + " has a pattern with a lone surrogate or NUL character");
        }
      }
    }
    if (chars > MAX_CHARS) {
      throw new InvalidInputException(
          Reason.LIMIT_EXCEEDED,
          VARIABLE
              + " has "
              + chars
              + " characters of patterns; at most "
              + MAX_CHARS
              + " are read");
    }
  }

  private static InvalidInputException refused(String value, String why) {
    String shown = value.length() > 80 ? value.substring(0, 80) + "…" : value;
    return new InvalidInputException(
        Reason.MODEL_SOURCE_UNSUPPORTED,
        VARIABLE
            + " value '"
            + shown
            + "' cannot be read as the storage-initializer reads it: "
            + why);
  }

  /** Python's {@code str.strip()}: the characters {@code str.isspace()} accepts, at both ends. */
  static String pythonStrip(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && pythonSpace(s.charAt(start))) {
      start++;
    }
    while (end > start && pythonSpace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(start, end);
  }

  /**
   * Java's whitespace, plus what Python also counts (NEL and the no-break spaces Java leaves out).
   */
  private static boolean pythonSpace(char c) {
    return Character.isWhitespace(c) || c == 0x85 || c == 0xA0 || c == 0x2007 || c == 0x202F;
  }
}
