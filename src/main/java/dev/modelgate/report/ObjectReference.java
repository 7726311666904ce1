package dev.modelgate.report;

import java.util.Objects;

/**
 * A reference to a Kubernetes object, the fields of {@code core/v1 ObjectReference} a report
 * carries in {@code scope} and {@code results[].resources}. {@code ""} means absent, as the API's
 * {@code omitempty} strings. A workload is identified by kind, namespace and name: {@code uid} and
 * {@code apiVersion} are carried when known but never part of {@link #sameObject}.
 */
public record ObjectReference(
    String apiVersion,
    String kind,
    String namespace,
    String name,
    String uid,
    String resourceVersion,
    String fieldPath) {
  public ObjectReference {
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(resourceVersion, "resourceVersion");
    Objects.requireNonNull(fieldPath, "fieldPath");
    if (kind.isBlank() || name.isBlank()) {
      throw new IllegalArgumentException(
          "an object reference needs a kind and a name, got kind '"
              + kind
              + "' name '"
              + name
              + "'");
    }
  }

  /** A workload or other object: the fields a report result names it by. */
  public static ObjectReference of(
      String apiVersion, String kind, String namespace, String name, String uid) {
    return new ObjectReference(apiVersion, kind, namespace, name, uid, "", "");
  }

  /** Whether both name the same object: kind, namespace and name (a uid may not be known yet). */
  public boolean sameObject(ObjectReference other) {
    return kind.equals(other.kind) && namespace.equals(other.namespace) && name.equals(other.name);
  }

  /** {@code Kind namespace/name}, for logs and messages. */
  public String describe() {
    return kind + " " + (namespace.isEmpty() ? "" : namespace + "/") + name;
  }
}
