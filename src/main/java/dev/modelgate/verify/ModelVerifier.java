package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.InternalFailures;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.oms.RootDigest;
import dev.modelgate.trust.SignatureVerifier;
import dev.modelgate.trust.SignerVerdict;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies a local model against its OMS signature: runs the checks in order, stops at the first
 * step that fails (later steps would only read untrusted data), and returns every failure of that
 * step. Thread-safe; one instance can serve many requests.
 *
 * <p>With several authorities, the signature is checked against each; the threshold counts distinct
 * authorities, and one signature bundle counts for one authority only, so naming the same key twice
 * cannot meet a threshold of two. The model's content is hashed once, whatever the number of
 * authorities.
 */
public final class ModelVerifier {
  private final List<Check> before;
  private final List<Check> after;
  private final List<Check> afterForArtifacts;

  public ModelVerifier(ModelHasher hasher) {
    this.before = List.of(new BundleCheck(), new EnvelopeCheck());
    this.after = List.of(new StatementCheck(), new RootDigestCheck(), new ContentCheck(hasher));
    this.afterForArtifacts =
        List.of(new StatementCheck(), new RootDigestCheck(), new ArtifactContentCheck());
  }

  /**
   * Verifies an OCI artifact's files, known by their layer digests, against a fetched bundle: no
   * model bytes are read. {@code shownAs} names the model in the result.
   */
  public VerificationResult verifyArtifact(
      String shownAs, byte[] bundle, ArtifactContents contents, VerificationPolicy policy) {
    return verify(
        new VerificationContext(bundle, contents, policy.options()),
        policy,
        afterForArtifacts,
        shownAs);
  }

  public VerificationResult verify(VerificationRequest request, SignatureVerifier verifier) {
    return verify(request, VerificationPolicy.single(verifier, request.options()));
  }

  public VerificationResult verify(VerificationRequest request, VerificationPolicy policy) {
    return verify(new VerificationContext(request), policy, after, request.model().toString());
  }

  private VerificationResult verify(
      VerificationContext ctx, VerificationPolicy policy, List<Check> after, String shownAs) {
    List<Failure> early = run(before, ctx);
    if (!early.isEmpty()) {
      return result(ctx, early, shownAs);
    }
    List<Failure> signerFailures = new ArrayList<>();
    for (Authority a : policy.authorities()) {
      SignerVerdict verdict;
      try {
        verdict = a.verifier().verify(ctx.bundle);
      } catch (RuntimeException e) {
        verdict =
            new SignerVerdict.Rejected(
                List.of(InternalFailures.of("signer check of authority '" + a.name() + "'", e)));
      }
      if (verdict instanceof SignerVerdict.Verified) {
        ctx.authorities.add(a.name());
        if (ctx.signer == null) {
          ctx.signer = (SignerVerdict.Verified) verdict;
        }
      } else if (verdict instanceof SignerVerdict.Rejected) {
        for (Failure f : ((SignerVerdict.Rejected) verdict).failures()) {
          signerFailures.add(
              a.name().isEmpty()
                  ? f
                  : new Failure(
                      f.reason(), f.subject(), "authority '" + a.name() + "': " + f.message()));
        }
      }
    }
    // One bundle is one signature: it counts for one authority however many accept it.
    int distinct = Math.min(ctx.authorities.size(), 1);
    if (distinct < policy.threshold()) {
      List<Failure> failures = new ArrayList<>();
      if (policy.threshold() > 1 || policy.authorities().size() > 1) {
        failures.add(
            Failure.of(
                Reason.THRESHOLD_NOT_MET,
                "%d of %d required authorities signed%s",
                distinct,
                policy.threshold(),
                ctx.authorities.isEmpty() ? "" : " (" + String.join(", ", ctx.authorities) + ")"));
      }
      failures.addAll(signerFailures);
      return result(ctx, failures, shownAs);
    }
    return result(ctx, run(after, ctx), shownAs);
  }

  private static List<Failure> run(List<Check> checks, VerificationContext ctx) {
    for (Check check : checks) {
      List<Failure> failures;
      try {
        failures = check.run(ctx);
      } catch (RuntimeException e) {
        // Fail closed: a bug in a check is a denial with a reason, never a pass, and never a
        // reason that onError: Allow may waive.
        failures = List.of(InternalFailures.of(check.stage() + " check", e));
      }
      if (!failures.isEmpty()) {
        return failures;
      }
    }
    return List.of();
  }

  private static VerificationResult result(
      VerificationContext ctx, List<Failure> failures, String shownAs) {
    List<String> names =
        ctx.statement == null || !failures.isEmpty()
            ? List.of()
            : ctx.statement.resources().stream()
                .map(r -> r.key().path().value())
                .distinct()
                .toList();
    return resultWithoutFiles(ctx, failures, shownAs)
        .withSignedFiles(names)
        .withWarnings(ctx.warnings);
  }

  private static VerificationResult resultWithoutFiles(
      VerificationContext ctx, List<Failure> failures, String shownAs) {
    return new VerificationResult(
        shownAs,
        ctx.signer == null ? null : ctx.signer.signer(),
        ctx.statement == null ? null : RootDigest.of(ctx.statement.resources()),
        ctx.filesChecked,
        ctx.bytesHashed,
        ctx.authorities,
        "",
        failures);
  }
}
