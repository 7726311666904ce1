package dev.modelgate.core;

import java.util.Objects;

/** Root of ModelGate's exceptions. Carries a stable {@link Reason} and a user-facing message. */
public class ModelGateException extends RuntimeException {
  private final Reason reason;

  public ModelGateException(Reason reason, String message) {
    this(reason, message, null);
  }

  public ModelGateException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }

  public Failure toFailure() {
    return new Failure(reason, getMessage());
  }
}
