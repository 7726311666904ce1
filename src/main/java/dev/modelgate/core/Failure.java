package dev.modelgate.core;

import java.util.Locale;
import java.util.Objects;

/**
 * One reason a verification failed: a stable code, the thing it is about (a file path, a field;
 * empty when it concerns the whole model), and a message that names the subject, what was expected
 * and what was found. The message holds no control characters ({@link Printable}); the subject is
 * kept exact, as it is matched against paths.
 */
public record Failure(Reason reason, String subject, String message) {
  public Failure {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(message, "message");
    if (message.isBlank()) {
      throw new IllegalArgumentException("a failure needs a message");
    }
    // Messages quote untrusted names and values; every output (terminal, logs, termination
    // message, admission denial) prints them, so they are made printable once, here.
    message = Printable.escape(message);
  }

  public Failure(Reason reason, String message) {
    this(reason, "", message);
  }

  public static Failure of(Reason reason, String format, Object... args) {
    return new Failure(reason, "", String.format(Locale.ROOT, format, args));
  }

  /** A failure about one file or field, named by {@code subject}. */
  public static Failure about(Reason reason, Object subject, String format, Object... args) {
    return new Failure(reason, String.valueOf(subject), String.format(Locale.ROOT, format, args));
  }

  @Override
  public String toString() {
    return reason.code() + ": " + message;
  }
}
