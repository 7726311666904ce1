package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.oms.RootDigest;
import dev.modelgate.trust.SignatureVerifier;
import java.util.List;

/**
 * Verifies a local model against its OMS signature: runs the checks in order, stops at the first
 * step that fails (later steps would only read untrusted data), and returns every failure of that
 * step. Thread-safe; one instance can serve many requests.
 */
public final class ModelVerifier {
  private final List<Check> checks;

  public ModelVerifier(ModelHasher hasher) {
    this.checks =
        List.of(
            new BundleCheck(),
            new EnvelopeCheck(),
            new SignerCheck(),
            new StatementCheck(),
            new RootDigestCheck(),
            new ContentCheck(hasher));
  }

  public VerificationResult verify(VerificationRequest request, SignatureVerifier verifier) {
    VerificationContext ctx = new VerificationContext(request, verifier);
    for (Check check : checks) {
      List<Failure> failures;
      try {
        failures = check.run(ctx);
      } catch (RuntimeException e) {
        // Fail closed: a bug in a check is a denial with a reason, never a pass.
        failures = List.of(Failure.of(Reason.UNDECIDED, "%s check failed unexpectedly: %s", check.stage(), e));
      }
      if (!failures.isEmpty()) {
        return result(ctx, failures);
      }
    }
    return result(ctx, List.of());
  }

  private static VerificationResult result(VerificationContext ctx, List<Failure> failures) {
    return new VerificationResult(
        ctx.request.model(),
        ctx.signer == null ? null : ctx.signer.signer(),
        ctx.statement == null ? null : RootDigest.of(ctx.statement.resources()),
        ctx.filesChecked,
        ctx.bytesHashed,
        failures);
  }
}
