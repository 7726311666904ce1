package dev.modelgate.trust;

/** Which byte encoding a verified DSSE signature covered. */
public enum PaeForm {
  /** DSSE v1 PAE. */
  STANDARD,
  /** model_signing v0.2.0's mistaken encoding; valid only for the legacy predicate. */
  LEGACY_V02
}
