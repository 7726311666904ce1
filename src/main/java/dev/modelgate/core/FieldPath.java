package dev.modelgate.core;

import java.util.Objects;

/**
 * The field of a Kubernetes object or policy that something is about, as a user finds it with
 * {@code kubectl explain} or in the YAML: {@code spec.template.spec.containers[0].image}, {@code
 * metadata.annotations[model.modelgate.dev/llm]}, {@code spec.authorities[1].key.publicKey}. Built
 * by the code that walks the object (the workload inspector, the policy compiler), never parsed
 * from free text; {@link #toString()} is the path as written.
 */
public record FieldPath(String value) {
  public FieldPath {
    Objects.requireNonNull(value, "value");
    if (value.isBlank()) {
      throw new IllegalArgumentException("a field path is not empty");
    }
    value = Printable.escape(value);
  }

  public static FieldPath of(String value) {
    return new FieldPath(value);
  }

  /** {@code spec} then {@code authorities}: {@code spec.authorities}. */
  public FieldPath child(String name) {
    return new FieldPath(value + "." + name);
  }

  /** The element {@code i} of a list: {@code spec.authorities[2]}. */
  public FieldPath index(int i) {
    if (i < 0) {
      throw new IllegalArgumentException("a list index is not negative: " + i);
    }
    return new FieldPath(value + "[" + i + "]");
  }

  /** The entry {@code key} of a map: {@code metadata.annotations[model.modelgate.dev/llm]}. */
  public FieldPath key(String key) {
    return new FieldPath(value + "[" + key + "]");
  }

  @Override
  public String toString() {
    return value;
  }
}
