package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.oms.OmsStatement;
import dev.modelgate.oms.SigstoreBundle;
import dev.modelgate.trust.SignatureVerifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Verifies a model against its OMS signature by running the steps in the order the specs give, each
 * taking what the previous one verified: bundle ({@link BundleCheck}, {@link EnvelopeCheck}) →
 * signers and threshold ({@link AuthorityCheck}) → statement ({@link StatementCheck}, {@link
 * RootDigestCheck}) → content ({@link ContentCheck}, or {@link ArtifactContentCheck} for an OCI
 * artifact's layer digests). A step that fails ends the chain with every failure it found (later
 * steps would only read untrusted data); the content step reports every difference. A step that
 * throws is an {@code INTERNAL_ERROR}. Attestations go through the same bundle and signer steps
 * ({@link AttestationCheck}). Thread-safe; one instance can serve many requests.
 *
 * <p>The threshold counts distinct authorities, and one signature bundle counts for one authority
 * only. A local model has one bundle, so its threshold is checked before its content is hashed; an
 * OCI artifact may have several, each verified through content before the threshold counts them.
 */
public final class ModelVerifier {
  private final BundleCheck bundles = new BundleCheck();
  private final EnvelopeCheck envelope = new EnvelopeCheck();
  private final AuthorityCheck authority = new AuthorityCheck();
  private final StatementCheck statement = new StatementCheck();
  private final RootDigestCheck rootDigest = new RootDigestCheck();
  private final ContentCheck content;
  private final ArtifactContentCheck artifactContent = new ArtifactContentCheck();
  private final AttestationCheck attestation = new AttestationCheck();

  public ModelVerifier(ModelHasher hasher) {
    this.content = new ContentCheck(hasher);
  }

  public VerificationResult verify(VerificationRequest request, SignatureVerifier verifier) {
    return verify(request, VerificationPolicy.single(verifier, request.options()));
  }

  /** Verifies a local model directory or file against the signature the request names. */
  public VerificationResult verify(VerificationRequest request, VerificationPolicy policy) {
    String shown = request.model().toString();
    StepOutcome<SigstoreBundle> bundle =
        envelope(StepOutcome.run("bundle", () -> bundles.read(request.signature())));
    if (!(bundle instanceof StepOutcome.Passed<SigstoreBundle> b)) {
      return VerificationResult.failed(shown, bundle.failures());
    }
    StepOutcome<VerifiedSigners> signers =
        StepOutcome.run("signer", () -> authority.signers(b.value(), policy.authorities()));
    List<VerifiedSigners> verified =
        signers instanceof StepOutcome.Passed<VerifiedSigners> s ? List.of(s.value()) : List.of();
    List<Failure> refusals = verified.isEmpty() ? signers.failures() : verified.get(0).refusals();
    StepOutcome<List<String>> counted =
        StepOutcome.run("threshold", () -> authority.threshold(verified, refusals, policy));
    if (!(counted instanceof StepOutcome.Passed<List<String>> c)) {
      return verified.isEmpty()
          ? VerificationResult.failed(shown, counted.failures())
          : result(
              shown,
              verified.get(0),
              null,
              null,
              counted.failures(),
              verified.get(0).authorities());
    }
    VerifiedSigners s = verified.get(0);
    Checked checked = statementAndContent(s, policy, v -> content.check(v, request));
    return result(shown, s, checked.statement, checked.content, checked.failures, c.value());
  }

  /**
   * Verifies an OCI artifact's files, known by their layer digests, against fetched bundles: no
   * model bytes are read. Each bundle is verified through content on its own; the threshold then
   * counts distinct authorities over the bundles that verified. {@code shownAs} names the model.
   */
  public VerificationResult verifyArtifact(
      String shownAs, List<byte[]> fetched, ArtifactContents contents, VerificationPolicy policy) {
    return verifyArtifact(shownAs, fetched, contents, ManifestEntries.NONE, policy);
  }

  /**
   * As above; a statement may also describe the artifact's manifest itself ({@link
   * ManifestEntries}), checked against {@code manifest}.
   */
  VerificationResult verifyArtifact(
      String shownAs,
      List<byte[]> fetched,
      ArtifactContents contents,
      ManifestEntries manifest,
      VerificationPolicy policy) {
    List<VerifiedSigners> verified = new ArrayList<>();
    List<Failure> refusals = new ArrayList<>();
    Checked best = null;
    for (byte[] bytes : fetched) {
      StepOutcome<SigstoreBundle> bundle =
          envelope(StepOutcome.run("bundle", () -> bundles.parse(bytes)));
      if (!(bundle instanceof StepOutcome.Passed<SigstoreBundle> b)) {
        refusals.addAll(bundle.failures());
        continue;
      }
      StepOutcome<VerifiedSigners> signers =
          StepOutcome.run("signer", () -> authority.signers(b.value(), policy.authorities()));
      if (!(signers instanceof StepOutcome.Passed<VerifiedSigners> s)) {
        refusals.addAll(signers.failures());
        continue;
      }
      Checked checked =
          statementAndContent(
              s.value(),
              policy,
              v -> artifactContent.check(v, contents, manifest, policy.options()));
      if (checked.failures.isEmpty()) {
        verified.add(s.value());
        best = best == null ? checked : best;
      } else {
        refusals.addAll(checked.failures);
      }
    }
    StepOutcome<List<String>> counted =
        StepOutcome.run("threshold", () -> authority.threshold(verified, refusals, policy));
    if (!(counted instanceof StepOutcome.Passed<List<String>> c)) {
      return VerificationResult.failed(shownAs, counted.failures());
    }
    // A passed threshold counted at least one bundle, so there is a first verified one.
    return result(
        shownAs, best.statement.signers(), best.statement, best.content, List.of(), c.value());
  }

  /**
   * Checks attestation bundles about a verified model against the policy's authorities.
   *
   * @param subjectDigests what an attestation may be about ({@code sha256:<hex>}): the model's root
   *     digest, and for an OCI artifact its manifest digest
   */
  public List<VerifiedAttestation> attestations(
      List<AttestationSource> sources, Set<String> subjectDigests, VerificationPolicy policy) {
    return attestation.check(sources, subjectDigests, policy.authorities());
  }

  private StepOutcome<SigstoreBundle> envelope(StepOutcome<SigstoreBundle> parsed) {
    if (!(parsed instanceof StepOutcome.Passed<SigstoreBundle> p)) {
      return parsed;
    }
    return StepOutcome.run("envelope", () -> envelope.check(p.value()));
  }

  /** What the statement and content steps found for one bundle whose signers verified. */
  private record Checked(
      VerifiedStatement statement, ContentResult content, List<Failure> failures) {}

  private Checked statementAndContent(
      VerifiedSigners signers,
      VerificationPolicy policy,
      Function<VerifiedStatement, ContentResult> contentStep) {
    StepOutcome<OmsStatement> parsed =
        StepOutcome.run("statement", () -> statement.check(signers, policy.options()));
    if (!(parsed instanceof StepOutcome.Passed<OmsStatement> p)) {
      return new Checked(null, null, parsed.failures());
    }
    StepOutcome<VerifiedStatement> root =
        StepOutcome.run("root-digest", () -> rootDigest.check(signers, p.value()));
    if (!(root instanceof StepOutcome.Passed<VerifiedStatement> r)) {
      return new Checked(null, null, root.failures());
    }
    StepOutcome<ContentResult> compared =
        StepOutcome.run("content", () -> StepOutcome.passed(contentStep.apply(r.value())));
    if (!(compared instanceof StepOutcome.Passed<ContentResult> c)) {
      return new Checked(r.value(), null, compared.failures());
    }
    return new Checked(r.value(), c.value(), c.value().failures());
  }

  private static VerificationResult result(
      String shown,
      VerifiedSigners signers,
      VerifiedStatement verified,
      ContentResult compared,
      List<Failure> failures,
      List<String> authorities) {
    VerificationResult r =
        new VerificationResult(
            shown,
            signers.signer(),
            verified == null ? null : verified.rootDigest(),
            compared == null ? 0 : compared.filesChecked(),
            compared == null ? 0 : compared.bytesHashed(),
            authorities,
            "",
            failures);
    List<String> names =
        verified == null || !failures.isEmpty()
            ? List.of()
            : verified.statement().resources().stream()
                .map(x -> x.key().path().value())
                .distinct()
                .toList();
    r = r.withSignedFiles(names).withWarnings(compared == null ? List.of() : compared.warnings());
    if (compared != null && compared.coverage().isPresent()) {
      r = r.withCoverage(compared.coverage().get());
    }
    return verified == null
        ? r
        : r.withManifest(
            new SignedManifest(
                verified.signers().bundle().digest(), verified.statement().resources()));
  }
}
