package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.InTotoStatement;
import dev.modelgate.trust.PaeForm;
import java.util.List;
import java.util.Set;

/**
 * An attestation's signed payload is an in-toto Statement v1 (in-toto attestation spec {@code
 * statement.md}), parsed once, signed with the standard PAE (the model_signing v0.2 encoding is a
 * quirk of the legacy model-signature predicate only), and about the model: one of its subjects has
 * the model's digest.
 */
final class AttestationStatementCheck {
  StepOutcome<InTotoStatement> check(VerifiedSigners signers) {
    if (signers.paeForm() != PaeForm.STANDARD) {
      return StepOutcome.failed(
          Failure.of(
              Reason.SIGNATURE_INVALID,
              "attestation signature uses the model_signing v0.2 encoding, which is accepted only for model signatures of the legacy predicate"));
    }
    try {
      return StepOutcome.passed(
          InTotoStatement.parse(signers.bundle().envelope().payload().toArray()));
    } catch (InvalidInputException e) {
      return StepOutcome.failed(e.toFailure());
    }
  }

  /** Failures when the statement is not about one of {@code subjectDigests}. */
  List<Failure> about(InTotoStatement statement, Set<String> subjectDigests) {
    if (statement.isAbout(subjectDigests)) {
      return List.of();
    }
    return List.of(
        Failure.of(
            Reason.SUBJECT_DIGEST_MISMATCH,
            "attestation is about another subject (expected digest %s, found %s)",
            String.join(" or ", subjectDigests.stream().sorted().toList()),
            statement.subjectDigests().isEmpty()
                ? "no sha256 subject"
                : String.join(", ", statement.subjectDigests())));
  }
}
