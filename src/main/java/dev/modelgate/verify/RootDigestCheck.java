package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.Digest;
import dev.modelgate.oms.RootDigest;
import java.util.List;

/**
 * The subject digest equals the root digest recomputed from {@code resources} in payload order,
 * never re-sorted (OMS spec 6.5.1; model_signing "Manifest is inconsistent").
 */
final class RootDigestCheck implements Check {
  @Override
  public String stage() {
    return "root-digest";
  }

  @Override
  public List<Failure> run(VerificationContext ctx) {
    Digest computed = RootDigest.of(ctx.statement.resources());
    if (!computed.equals(ctx.statement.subjectDigest())) {
      return List.of(
          Failure.of(
              Reason.SUBJECT_DIGEST_MISMATCH,
              "subject digest is %s, but the signed resources give %s",
              ctx.statement.subjectDigest(),
              computed));
    }
    return List.of();
  }
}
