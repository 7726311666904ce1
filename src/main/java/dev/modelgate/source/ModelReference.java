package dev.modelgate.source;

import dev.modelgate.oms.RelativePath;
import java.util.Objects;

/**
 * One model a workload uses: its logical name, where it lives, where its signature is when not
 * the default ({@code ""}), the field that named it, for messages
 * ({@code metadata.annotations[model.modelgate.dev/llama]}, {@code spec.volumes[2].image.reference}),
 * and whose registry credentials may read it.
 */
public record ModelReference(String name, ModelUri uri, String signaturePath, String field, RegistryAccess access) {
  public ModelReference {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(signaturePath, "signaturePath");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(access, "access");
    if (!signaturePath.isEmpty()) {
      // It comes from a workload annotation and is joined to a model directory: refuse "..",
      // absolute paths and the like here, once, for every consumer.
      RelativePath.parse(signaturePath);
    }
  }

  public ModelReference(String name, ModelUri uri, String signaturePath, String field) {
    this(name, uri, signaturePath, field, RegistryAccess.NONE);
  }

  public ModelReference withAccess(RegistryAccess a) {
    return new ModelReference(name, uri, signaturePath, field, a);
  }
}
