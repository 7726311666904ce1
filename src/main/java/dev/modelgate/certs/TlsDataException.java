package dev.modelgate.certs;

/**
 * Certificate or key material (a Secret's data, PEM files) that cannot be used, with what is wrong.
 */
public final class TlsDataException extends IllegalArgumentException {
  public TlsDataException(String message) {
    super(message);
  }
}
