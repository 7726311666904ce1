package dev.modelgate.source;

import java.util.Objects;

/**
 * One model a workload uses: its logical name, where it lives, where its signature is when not
 * the default ({@code ""}), and the field that named it, for messages
 * ({@code metadata.annotations[model.modelgate.dev/llama]}, {@code spec.volumes[2].image.reference}).
 */
public record ModelReference(String name, ModelUri uri, String signaturePath, String field) {
  public ModelReference {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(signaturePath, "signaturePath");
    Objects.requireNonNull(field, "field");
  }
}
