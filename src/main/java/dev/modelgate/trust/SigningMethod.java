package dev.modelgate.trust;

/** The OMS signing methods. */
public enum SigningMethod {
  KEY,
  CERTIFICATE,
  KEYLESS;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
