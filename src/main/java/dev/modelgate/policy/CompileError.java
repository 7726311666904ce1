package dev.modelgate.policy;

import dev.modelgate.core.FieldPath;
import dev.modelgate.core.Printable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a policy or trust root does not compile: what kind of problem, the field it is in ({@code
 * spec.authorities[0].key.publicKey}; empty only when the document as a whole cannot be read), and
 * a message that says what is wrong there without repeating the path. A policy with any of these
 * denies what it matches; its Ready condition, the admission denial and {@code check} show {@link
 * #toString()} of each ({@link #summary}).
 */
public record CompileError(Kind kind, Optional<FieldPath> path, String message) {
  /** The kinds of problem the compiler reports; stable, like reason codes. */
  public enum Kind {
    /** The text is not YAML or not a document ModelGate can read as a whole. */
    DOCUMENT_UNREADABLE,
    /** A field the schema does not have (a misspelling is never ignored). */
    FIELD_UNKNOWN,
    /** A field the policy needs is absent or empty. */
    FIELD_MISSING,
    /** Fields that exclude each other are both set, or a field is not allowed in this kind. */
    FIELD_CONFLICT,
    /** A value outside its range or not one of the values allowed. */
    VALUE_INVALID,
    /** A name (of an authority, an attestation) is used twice. */
    NAME_DUPLICATE,
    /** An authority named in an attestation or lineage clause is not one of the policy's. */
    AUTHORITY_UNKNOWN,
    /** A {@code trustRootRef} names no ModelTrustRoot. */
    TRUST_ROOT_UNKNOWN,
    /** A trust root (named, or the one being compiled) cannot be used. */
    TRUST_ROOT_INVALID,
    /** A PEM key or certificate cannot be read. */
    PEM_INVALID,
    /** A regular expression does not compile. */
    REGEX_INVALID,
    /** A CEL condition does not compile. */
    CEL_INVALID,
    /** A label selector requirement is malformed (an unknown operator, values where none go). */
    SELECTOR_INVALID,
    /** A model or file glob is malformed. */
    GLOB_INVALID,
    /** A path (ignorePaths, imageModelPath) is not a safe relative or absolute path. */
    PATH_INVALID
  }

  /** Errors listed in a status message before "and K more". */
  public static final int MAX_LISTED = 10;

  public CompileError {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
    if (message.isBlank()) {
      throw new IllegalArgumentException("a compile error needs a message");
    }
    message = Printable.escape(message);
  }

  public static CompileError at(FieldPath path, Kind kind, String message) {
    return new CompileError(kind, Optional.of(path), message);
  }

  public static CompileError at(String path, Kind kind, String message) {
    return at(FieldPath.of(path), kind, message);
  }

  /** A document that could not be read at all: no field to point at. */
  public static CompileError unreadable(String message) {
    return new CompileError(Kind.DOCUMENT_UNREADABLE, Optional.empty(), message);
  }

  /** "field: message", or the message alone for an unreadable document. */
  @Override
  public String toString() {
    return path.map(p -> p + ": ").orElse("") + message;
  }

  /** The errors as one line: the first {@link #MAX_LISTED}, then "and K more". */
  public static String summary(List<CompileError> errors) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < Math.min(MAX_LISTED, errors.size()); i++) {
      lines.add(errors.get(i).toString());
    }
    if (errors.size() > MAX_LISTED) {
      lines.add("and " + (errors.size() - MAX_LISTED) + " more");
    }
    return String.join("; ", lines);
  }
}
