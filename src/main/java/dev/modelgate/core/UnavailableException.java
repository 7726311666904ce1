package dev.modelgate.core;

/** Something needed for a decision could not be reached in time; the caller cannot decide. */
public class UnavailableException extends ModelGateException {
  public UnavailableException(String message, Throwable cause) {
    super(Reason.UNAVAILABLE, message, cause);
  }
}
