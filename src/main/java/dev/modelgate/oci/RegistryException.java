package dev.modelgate.oci;

import dev.modelgate.core.ModelGateException;
import dev.modelgate.core.Reason;

/**
 * A registry answered, but not with what was needed: refused access, no such manifest or blob,
 * content that does not match its digest, or a response over its size limit. A registry that did
 * not answer in time is an {@link dev.modelgate.core.UnavailableException} instead.
 */
public class RegistryException extends ModelGateException {
  private final int status;

  public RegistryException(Reason reason, int status, String message) {
    super(reason, message);
    this.status = status;
  }

  /** The HTTP status, or 0 when the problem is in the content. */
  public int status() {
    return status;
  }
}
