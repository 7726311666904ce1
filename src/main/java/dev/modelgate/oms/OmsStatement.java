package dev.modelgate.oms;

import java.util.List;
import java.util.Objects;

/**
 * A parsed OMS in-toto statement: the signed model manifest.
 *
 * <p>For the legacy predicate, which has no root digest, {@code subjectDigest} is the root digest
 * computed from the per-file subjects, so that later steps treat both kinds alike.
 */
public record OmsStatement(
    PredicateKind kind,
    String subjectName,
    Digest subjectDigest,
    Serialization serialization,
    List<Resource> resources) {

  public OmsStatement {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(subjectName, "subjectName");
    Objects.requireNonNull(subjectDigest, "subjectDigest");
    Objects.requireNonNull(serialization, "serialization");
    resources = List.copyOf(resources);
  }
}
