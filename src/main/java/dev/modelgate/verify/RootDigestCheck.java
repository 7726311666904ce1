package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.Digest;
import dev.modelgate.oms.OmsStatement;
import dev.modelgate.oms.RootDigest;

/**
 * The subject digest equals the root digest recomputed from {@code resources} in payload order,
 * never re-sorted (OMS spec 6.5.1; model_signing "Manifest is inconsistent").
 */
final class RootDigestCheck {
  StepOutcome<VerifiedStatement> check(VerifiedSigners signers, OmsStatement statement) {
    Digest computed = RootDigest.of(statement.resources());
    if (!computed.equals(statement.subjectDigest())) {
      return StepOutcome.failed(
          Failure.of(
              Reason.SUBJECT_DIGEST_MISMATCH,
              "subject digest is %s, but the signed resources give %s",
              statement.subjectDigest(),
              computed));
    }
    return StepOutcome.passed(new VerifiedStatement(signers, statement, computed));
  }
}
