package dev.modelgate.oms;

/** The OMS predicate types a verifier accepts. */
public enum PredicateKind {
  /** {@code https://model_signing/signature/v1.0}: one subject (the root digest) and resources. */
  SIGNATURE_V1("https://model_signing/signature/v1.0"),
  /**
   * {@code https://model_signing/Digests/v0.1}, written by model_signing v0.2.0: one subject per
   * file, named by path, no root digest.
   */
  LEGACY_DIGESTS_V01("https://model_signing/Digests/v0.1");

  private final String uri;

  PredicateKind(String uri) {
    this.uri = uri;
  }

  public String uri() {
    return uri;
  }
}
