package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.OmsStatement;
import dev.modelgate.oms.PredicateKind;
import dev.modelgate.oms.SerializationMethod;
import dev.modelgate.oms.StatementParser;
import dev.modelgate.trust.PaeForm;

/**
 * The signed payload is an OMS statement (OMS spec 6), parsed once from the bytes the signature
 * covers. The v0.2.0 PAE encoding is accepted only for the legacy predicate it was used with, so it
 * cannot carry a modern manifest; the serialization must be one the policy accepts.
 */
final class StatementCheck {
  private final StatementParser parser = new StatementParser();

  StepOutcome<OmsStatement> check(VerifiedSigners signers, VerifyOptions options) {
    OmsStatement statement;
    try {
      statement = parser.parse(signers.bundle().envelope().payload().toArray());
    } catch (InvalidInputException e) {
      return StepOutcome.failed(e.toFailure());
    }
    if (signers.paeForm() == PaeForm.LEGACY_V02
        && statement.kind() != PredicateKind.LEGACY_DIGESTS_V01) {
      return StepOutcome.failed(
          Failure.of(
              Reason.SIGNATURE_INVALID,
              "signature uses the model_signing v0.2 encoding, which is accepted only for predicate %s",
              PredicateKind.LEGACY_DIGESTS_V01.uri()));
    }
    SerializationMethod method = statement.serialization().method();
    if (!options.accepts(method)) {
      // shards manifests have no entry for an empty file, so they cannot prove a directory has
      // no added empty files; a policy may insist on files manifests.
      return StepOutcome.failed(
          Failure.of(
              Reason.HASH_ALGORITHM_UNSUPPORTED,
              "signature uses the '%s' serialization, which the policy does not accept (verification.serializations: %s)",
              method.omsName(),
              options.serializations().stream()
                  .map(SerializationMethod::omsName)
                  .sorted()
                  .toList()));
    }
    return StepOutcome.passed(statement);
  }
}
