package dev.modelgate.trust;

import java.util.Locale;

/** The OMS signing methods. */
public enum SigningMethod {
  KEY,
  CERTIFICATE,
  KEYLESS;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
