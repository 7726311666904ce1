package dev.modelgate.core;

/**
 * Untrusted input (a bundle, a statement, a path, a key file) is malformed or refused. Callers deny
 * and do not retry.
 */
public class InvalidInputException extends ModelGateException {
  public InvalidInputException(Reason reason, String message) {
    super(reason, message);
  }

  public InvalidInputException(Reason reason, String message, Throwable cause) {
    super(reason, message, cause);
  }
}
