package dev.modelgate.verify;

import dev.modelgate.core.Bytes;
import java.util.Objects;

/**
 * An attestation bundle as found, before anything in it is checked: where it came from (a file, or
 * an OCI referrer) and its bytes.
 */
public record AttestationSource(String name, Bytes bytes) {
  public AttestationSource {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(bytes, "bytes");
  }

  public static AttestationSource of(String name, byte[] bytes) {
    return new AttestationSource(name, Bytes.copyOf(bytes));
  }
}
