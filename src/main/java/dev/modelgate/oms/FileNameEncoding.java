package dev.modelgate.oms;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * How file names become manifest names. Linux file names are bytes; the JVM turns them into strings
 * with the charset named by {@code sun.jnu.encoding}, which it derives from the locale at start-up
 * and which {@code -Dsun.jnu.encoding} cannot override on JDK 17 (SystemProps puts the platform
 * value unconditionally). A locale whose charset is not UTF-8, including a {@code LANG} naming a
 * UTF-8 locale the host lacks (setlocale fails, the C locale's ASCII is used), would read every
 * non-ASCII byte as U+FFFD. ModelGate therefore refuses to run unless the JVM decodes file names as
 * UTF-8, and refuses every name that does not survive bytes → string → bytes unchanged.
 *
 * <p>With UTF-8 decoding, a string holds no U+FFFD and no unpaired surrogate exactly when it came
 * from valid UTF-8 that held no U+FFFD: the JDK's decoder replaces every malformed sequence
 * (including overlong forms and encoded surrogates) by U+FFFD and never produces a lone surrogate.
 * So {@link #roundTrips} on the decoded name is the byte-level check, with no access to the bytes.
 */
public final class FileNameEncoding {
  private static final char REPLACEMENT = '\uFFFD';

  private FileNameEncoding() {}

  /** The charset this JVM decodes file names with. */
  public static String jvmCharset() {
    return System.getProperty("sun.jnu.encoding", "unknown");
  }

  public static boolean jvmDecodesUtf8() {
    try {
      return Charset.forName(jvmCharset()).equals(StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The one-line reason ModelGate does not run here, or null when file names decode as UTF-8. */
  public static String startupProblem() {
    if (jvmDecodesUtf8()) {
      return null;
    }
    return "this JVM decodes file names as "
        + jvmCharset()
        + ", not UTF-8 (LC_ALL/LC_CTYPE/LANG name a non-UTF-8 or missing locale); run with LC_ALL=C.UTF-8";
  }

  /**
   * Throws unless file names decode as UTF-8; walking a model with another charset would misname
   * files.
   */
  public static void requireUtf8() {
    String problem = startupProblem();
    if (problem != null) {
      throw new InvalidInputException(Reason.INTERNAL_ERROR, problem);
    }
  }

  /** True when {@code name} is what a valid UTF-8 byte string without U+FFFD decodes to. */
  public static boolean roundTrips(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == REPLACEMENT) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= name.length() || !Character.isLowSurrogate(name.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
