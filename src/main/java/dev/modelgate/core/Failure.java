package dev.modelgate.core;

import java.util.Objects;

/**
 * One reason a verification failed: a stable code and a message that names the subject, what was
 * expected and what was found.
 */
public record Failure(Reason reason, String message) {
  public Failure {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    if (message.isBlank()) {
      throw new IllegalArgumentException("a failure needs a message");
    }
  }

  public static Failure of(Reason reason, String format, Object... args) {
    return new Failure(reason, String.format(java.util.Locale.ROOT, format, args));
  }

  @Override
  public String toString() {
    return reason.code() + ": " + message;
  }
}
