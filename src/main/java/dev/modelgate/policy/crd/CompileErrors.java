package dev.modelgate.policy.crd;

import dev.modelgate.core.FieldPath;
import dev.modelgate.policy.CompileError;
import dev.modelgate.policy.CompileError.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * The errors of one compilation, collected at a field: each compiler step is handed the scope of
 * the field it reads ({@code errors.at("authorities").at(0).at("key")}) and reports "what is wrong"
 * there, so every error carries its field path without strings built by hand. Scopes share one
 * list, in the order problems are found.
 */
final class CompileErrors {
  private final List<CompileError> errors;
  private final FieldPath at;

  private CompileErrors(List<CompileError> errors, FieldPath at) {
    this.errors = errors;
    this.at = at;
  }

  /** A new, empty collection at the document's {@code spec}. */
  static CompileErrors atSpec() {
    return new CompileErrors(new ArrayList<>(), FieldPath.of("spec"));
  }

  /** A new, empty collection at {@code path} (a field outside {@code spec}). */
  static CompileErrors at(FieldPath path) {
    return new CompileErrors(new ArrayList<>(), path);
  }

  /** The scope of a child field; what it collects lands in this collection. */
  CompileErrors at(String field) {
    return new CompileErrors(errors, at.child(field));
  }

  /** The scope of a field given from the document's root ({@code metadata.namespace}). */
  CompileErrors atDocument(String path) {
    return new CompileErrors(errors, FieldPath.of(path));
  }

  /** The scope of the {@code index}th element of this list field. */
  CompileErrors at(int index) {
    return new CompileErrors(errors, at.index(index));
  }

  /** A separate collection at the same field, for errors a caller must tell apart. */
  CompileErrors separate() {
    return new CompileErrors(new ArrayList<>(), at);
  }

  /** A problem with this field. */
  void add(Kind kind, String message) {
    errors.add(CompileError.at(at, kind, message));
  }

  /** Everything {@code other} collected, in order, into this collection. */
  void addAll(CompileErrors other) {
    errors.addAll(other.errors);
  }

  boolean isEmpty() {
    return errors.isEmpty();
  }

  List<CompileError> list() {
    return List.copyOf(errors);
  }
}
