package dev.modelgate.core;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One reason a verification failed: a stable code, the thing it is about (a file path inside the
 * model; empty when it concerns the whole model), a message that names the subject, what was
 * expected and what was found, and the field of the workload or policy it is about when that is
 * known ({@code spec.containers[0].image}; filled by whoever knows it, see {@link #at}). The
 * message holds no control characters ({@link Printable}); the subject is kept exact, as it is
 * matched against paths.
 */
public record Failure(Reason reason, String subject, String message, Optional<FieldPath> field) {
  public Failure {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(field, "field");
    if (message.isBlank()) {
      throw new IllegalArgumentException("a failure needs a message");
    }
    // Messages quote untrusted names and values; every output (terminal, logs, termination
    // message, admission denial) prints them, so they are made printable once, here.
    message = Printable.escape(message);
  }

  public Failure(Reason reason, String subject, String message) {
    this(reason, subject, message, Optional.empty());
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

  /** A failure about the workload or policy field {@code path}. */
  public static Failure atField(Reason reason, FieldPath path, String message) {
    return new Failure(reason, "", message, Optional.of(path));
  }

  /**
   * This failure, about {@code path} unless it already names a field (the more precise one is
   * kept).
   */
  public Failure at(FieldPath path) {
    return field.isPresent() ? this : new Failure(reason, subject, message, Optional.of(path));
  }

  @Override
  public String toString() {
    return reason.code() + ": " + message;
  }
}
