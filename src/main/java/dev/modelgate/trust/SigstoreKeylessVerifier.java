package dev.modelgate.trust;

import dev.modelgate.core.Bytes;
import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.SigstoreBundle;
import dev.modelgate.oms.VerificationMaterial;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.rekor.client.RekorEntry;
import dev.sigstore.timestamp.client.ImmutableTimestampResponse;
import dev.sigstore.timestamp.client.TimestampResponse;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * The Sigstore keyless method, offline, stricter than sigstore-java 2.0.0's {@code KeylessVerifier}
 * (which it does not call; sigstore-java.md section 1.4). Composed of sigstore-java's component
 * verifiers for the Fulcio chain and SCT, the Rekor SET, inclusion proof and checkpoint, and RFC
 * 3161 timestamps, plus ModelGate's own:
 *
 * <ul>
 *   <li>exactly one transparency-log entry and one DSSE signature;
 *   <li>the DSSE signature over byte-exact PAE (sigstore-java counts UTF-16 chars, L2) with the
 *       curve's hash;
 *   <li>the log entry records this envelope ({@code dsse} 0.0.1, or {@code hashedrekord} 0.0.2);
 *   <li>the certificate was valid at the logged time and at every timestamp that verified, and at
 *       least one time source verified (sigstore-java 2.0.0 skips the logged-time check, L1); a
 *       timestamp from an authority the root does not list is dropped, as sigstore-python and
 *       sigstore-go drop it;
 *   <li>identity: issuer and SAN (email, URI or Fulcio username) against any of the configured
 *       identities, exactly or by full-match regular expression.
 * </ul>
 */
public final class SigstoreKeylessVerifier implements SignatureVerifier {
  /** Most RFC 3161 timestamps read from one bundle (sigstore-go {@code internal/limits}). */
  static final int MAX_TIMESTAMPS = 32;

  private final SigstoreTrustRoot root;
  private final List<KeylessIdentity> identities;

  /**
   * @param identities who may sign; at least one. Verifying without an identity would accept any
   *     certificate Fulcio ever issued, to anyone.
   */
  public SigstoreKeylessVerifier(SigstoreTrustRoot root, List<KeylessIdentity> identities) {
    if (identities.isEmpty()) {
      throw new InvalidInputException(
          Reason.IDENTITY_MISMATCH,
          "keyless verification needs at least one identity (issuer and subject)");
    }
    this.root = root;
    this.identities = List.copyOf(identities);
  }

  @Override
  public SigningMethod method() {
    return SigningMethod.KEYLESS;
  }

  @Override
  public SignerVerdict verify(SigstoreBundle bundle) {
    if (!(bundle.material() instanceof VerificationMaterial.Keyless)) {
      return SignerVerdict.Rejected.wrongMaterial(bundle.material(), "a keyless identity");
    }
    VerificationMaterial.Keyless material = (VerificationMaterial.Keyless) bundle.material();
    if (material.tlogEntryCount() != 1) {
      return reject(
          Failure.of(
              Reason.TLOG_ENTRY_COUNT,
              "bundle has %d transparency-log entries, expected exactly 1",
              material.tlogEntryCount()));
    }
    if (bundle.envelope().signatures().size() != 1) {
      return reject(
          Failure.of(
              Reason.SIGNATURE_COUNT,
              "envelope has %d signatures, expected exactly 1",
              bundle.envelope().signatures().size()));
    }
    Bundle parsed;
    try {
      parsed =
          Bundle.from(
              new StringReader(
                  new String(material.bundleJson().toArray(), StandardCharsets.UTF_8)));
    } catch (Exception e) {
      return reject(
          Failure.of(Reason.BUNDLE_MALFORMED, "keyless bundle cannot be read: %s", e.getMessage()));
    }
    X509Certificate leaf = material.certificate();
    // Identity, signature and log body use our parse; the chain check uses sigstore-java's. Both
    // read the same bytes, but only one certificate may be judged: refuse if they ever differ.
    if (parsed.getCertPath().getCertificates().isEmpty()
        || !parsed.getCertPath().getCertificates().get(0).equals(leaf)) {
      return reject(
          Failure.of(
              Reason.BUNDLE_MALFORMED,
              "keyless bundle's signing certificate reads differently to sigstore-java; refusing to judge either"));
    }
    FulcioIdentity found = FulcioIdentity.of(leaf);
    List<Failure> failures = new ArrayList<>();
    @SuppressWarnings("unchecked")
    List<X509Certificate> chain = (List<X509Certificate>) parsed.getCertPath().getCertificates();
    Optional<String> untrusted = FulcioChain.problem(chain, root.certificateAuthorities);
    if (untrusted.isPresent()) {
      failures.add(
          Failure.of(
              Reason.CHAIN_UNTRUSTED,
              "signing certificate of %s does not chain to a Fulcio CA of trusted root %s: %s",
              describe(found),
              root.source(),
              untrusted.get()));
    } else {
      try {
        // The chain verified just above, so what the library still refuses is the SCT step.
        root.fulcio.verifySigningCertificate(parsed.getCertPath());
      } catch (Exception e) {
        failures.add(
            Failure.of(
                Reason.SCT_INVALID,
                "signing certificate of %s chains to trusted root %s, but its embedded SCT does not verify: %s",
                describe(found),
                root.source(),
                e.getMessage()));
      }
    }
    if (identities.stream().noneMatch(i -> i.matches(found))) {
      failures.add(
          Failure.of(
              Reason.IDENTITY_MISMATCH,
              "signer %s is not one of the allowed identities (%s)",
              describe(found),
              identities));
    }
    DsseSignatureCheck.Result sig =
        DsseSignatureCheck.check(
            bundle.envelope(),
            leaf.getPublicKey(),
            "the keyless certificate of " + describe(found));
    if (sig.failure() != null) {
      failures.add(sig.failure());
    }
    RekorEntry entry = parsed.getEntries().get(0);
    try {
      root.rekor.verifyEntry(entry);
    } catch (Exception e) {
      failures.add(
          Failure.of(
              Reason.TLOG_INVALID,
              "transparency-log entry %d does not verify: %s",
              entry.getLogIndex(),
              e.getMessage()));
    }
    TlogBodyCheck.check(entry.getBody(), bundle.envelope(), leaf).ifPresent(failures::add);
    Optional<Instant> signedAt = signingTime(parsed, entry, leaf, bundle, failures);
    if (!failures.isEmpty()) {
      return new SignerVerdict.Rejected(failures);
    }
    Signer signer =
        new Signer(
            SigningMethod.KEYLESS,
            primarySan(found),
            found.issuer(),
            found.subjectAlternativeNames(),
            signedAt);
    return new SignerVerdict.Verified(signer, sig.form().orElseThrow());
  }

  /**
   * The signing time, decided as sigstore-python ({@code sigstore/verify/verifier.py} {@code
   * _establish_time}, 27db13db) and sigstore-go ({@code pkg/verify/tsa.go}, 4594ab4c) decide it:
   * the log's integrated time counts when a SET vouches for it; an RFC 3161 timestamp counts when
   * it verifies against one of the trusted root's timestamp authorities, and is dropped when it
   * does not (it proves nothing, but a bundle may carry timestamps from authorities this root does
   * not list); a bundle carrying timestamps while the root lists no authority at all is refused, as
   * is one with more than {@link #MAX_TIMESTAMPS} or the same token twice. The certificate must
   * have been valid at every time that counts, and at least one time must count.
   */
  private Optional<Instant> signingTime(
      Bundle parsed,
      RekorEntry entry,
      X509Certificate leaf,
      SigstoreBundle bundle,
      List<Failure> failures) {
    Instant earliest = null;
    int verified = 0;
    boolean hasSet =
        entry.getVerification() != null
            && entry.getVerification().getSignedEntryTimestamp() != null;
    if (hasSet) {
      Instant logged = entry.getIntegratedTimeInstant();
      if (validAt(leaf, logged, "logged", failures)) {
        verified++;
        earliest = logged;
      }
    }
    List<Bundle.Timestamp> tokens = parsed.getTimestamps();
    if (!tokens.isEmpty() && !root.hasTimestampAuthorities()) {
      failures.add(
          Failure.of(
              Reason.TIMESTAMP_INVALID,
              "bundle carries %d RFC 3161 timestamp(s) but trusted root %s lists no timestamp authority to verify them",
              tokens.size(),
              root.source()));
      return Optional.empty();
    }
    if (tokens.size() > MAX_TIMESTAMPS) {
      failures.add(
          Failure.of(
              Reason.LIMIT_EXCEEDED,
              "bundle carries %d RFC 3161 timestamps, more than %d",
              tokens.size(),
              MAX_TIMESTAMPS));
      return Optional.empty();
    }
    if (tokens.stream().map(t -> Bytes.copyOf(t.getRfc3161Timestamp())).distinct().count()
        != tokens.size()) {
      failures.add(
          Failure.of(Reason.TIMESTAMP_INVALID, "bundle carries the same RFC 3161 timestamp twice"));
      return Optional.empty();
    }
    byte[] sig = bundle.envelope().signatures().get(0).sig().toArray();
    List<String> dropped = new ArrayList<>();
    for (Bundle.Timestamp t : tokens) {
      TimestampResponse token =
          ImmutableTimestampResponse.builder().encoded(t.getRfc3161Timestamp()).build();
      Instant stamped;
      try {
        root.timestamps.verify(token, sig);
        stamped = token.getGenTime().toInstant();
      } catch (Exception e) {
        dropped.add(String.valueOf(e.getMessage()));
        continue;
      }
      if (validAt(leaf, stamped, "timestamped", failures)) {
        verified++;
        earliest = earliest == null || stamped.isBefore(earliest) ? stamped : earliest;
      }
    }
    // With a SET whose time failed, validAt already said why; otherwise say what was missing.
    if (verified == 0 && !hasSet) {
      failures.add(
          dropped.isEmpty()
              ? Failure.of(
                  Reason.SIGNING_TIME_INVALID,
                  "bundle has no signed entry timestamp and no RFC 3161 timestamp, so the signing time is unproven")
              : Failure.of(
                  Reason.SIGNING_TIME_INVALID,
                  "bundle has no signed entry timestamp and none of its RFC 3161 timestamps verifies against trusted root %s (%s), so the signing time is unproven",
                  root.source(),
                  String.join("; ", dropped)));
    }
    return Optional.ofNullable(earliest);
  }

  private static boolean validAt(
      X509Certificate leaf, Instant when, String how, List<Failure> failures) {
    try {
      leaf.checkValidity(Date.from(when));
      return true;
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      failures.add(
          Failure.of(
              Reason.SIGNING_TIME_INVALID,
              "signing certificate was valid from %s to %s, but the signature was %s at %s",
              leaf.getNotBefore().toInstant(),
              leaf.getNotAfter().toInstant(),
              how,
              when));
      return false;
    }
  }

  private static String primarySan(FulcioIdentity found) {
    return found.subjectAlternativeNames().isEmpty() ? "" : found.subjectAlternativeNames().get(0);
  }

  private static String describe(FulcioIdentity found) {
    return "'"
        + String.join("', '", found.subjectAlternativeNames())
        + "' (issuer '"
        + found.issuer()
        + "')";
  }

  private static SignerVerdict reject(Failure f) {
    return new SignerVerdict.Rejected(List.of(f));
  }
}
