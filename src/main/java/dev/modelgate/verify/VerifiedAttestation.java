package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.oms.InTotoStatement;
import dev.modelgate.trust.Signer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An attestation found for a verified model, after the bundle, signer and statement steps: its
 * statement (parsed once, present as soon as an authority's signature on it verified), the policy
 * authorities whose signature verified, and why it does not count when it does not ({@link
 * #problems()}, empty for an attestation that holds).
 */
public final class VerifiedAttestation {
  private final String source;
  private final InTotoStatement statement;
  private final List<String> authorities;
  private final List<Failure> problems;
  private final Signer signer;
  private final String bundleDigest;

  private VerifiedAttestation(
      String source,
      InTotoStatement statement,
      List<String> authorities,
      List<Failure> problems,
      Signer signer,
      String bundleDigest) {
    this.source = Objects.requireNonNull(source, "source");
    this.signer = signer;
    this.bundleDigest = Objects.requireNonNull(bundleDigest, "bundleDigest");
    this.statement = statement;
    this.authorities = List.copyOf(authorities);
    this.problems = List.copyOf(problems);
  }

  /** Signed by {@code authorities} and about the model. */
  static VerifiedAttestation verified(
      String source, InTotoStatement statement, List<String> authorities) {
    return verified(source, statement, authorities, null, "");
  }

  /** As above, with who signed it and the digest of its bundle's bytes (evidence for a BOM). */
  static VerifiedAttestation verified(
      String source,
      InTotoStatement statement,
      List<String> authorities,
      Signer signer,
      String bundleDigest) {
    Objects.requireNonNull(statement, "statement");
    if (authorities.isEmpty()) {
      throw new IllegalArgumentException("a verified attestation needs an authority");
    }
    return new VerifiedAttestation(source, statement, authorities, List.of(), signer, bundleDigest);
  }

  /** Refused before its statement could be trusted: nothing in it is read. */
  static VerifiedAttestation refused(String source, List<Failure> problems) {
    return refused(source, null, List.of(), problems);
  }

  /** Signed and parsed, but refused by a later step (another subject, for example). */
  static VerifiedAttestation refused(
      String source, InTotoStatement statement, List<String> authorities, List<Failure> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a refused attestation needs a problem");
    }
    return new VerifiedAttestation(source, statement, authorities, problems, null, "");
  }

  /** Where it was found: a file, or {@code oci referrer <digest>}. */
  public String source() {
    return source;
  }

  /** The signed statement, once an authority's signature on it verified. */
  public Optional<InTotoStatement> statement() {
    return Optional.ofNullable(statement);
  }

  /** The predicate type of the signed statement; empty when none could be trusted. */
  public Optional<String> predicateType() {
    return statement().map(InTotoStatement::predicateType);
  }

  /** Who signed it, as the first authority that accepted it established; empty if none did. */
  public Optional<Signer> signer() {
    return Optional.ofNullable(signer);
  }

  /** {@code sha256:<hex>} of the attestation bundle's bytes; "" when not known. */
  public String bundleDigest() {
    return bundleDigest;
  }

  public List<String> authorities() {
    return authorities;
  }

  /** Why it does not count; empty when it verified. */
  public List<Failure> problems() {
    return problems;
  }

  public boolean verified() {
    return problems.isEmpty();
  }
}
