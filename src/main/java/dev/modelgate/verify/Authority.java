package dev.modelgate.verify;

import dev.modelgate.trust.SignatureVerifier;
import java.util.Objects;

/**
 * A named party whose signature a policy accepts, with the verifier built from its trust material.
 */
public record Authority(String name, SignatureVerifier verifier) {
  public Authority {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(verifier, "verifier");
  }
}
