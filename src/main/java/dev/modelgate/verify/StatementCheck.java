package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.PredicateKind;
import dev.modelgate.oms.SerializationMethod;
import dev.modelgate.oms.StatementParser;
import dev.modelgate.trust.PaeForm;
import java.util.List;

/**
 * The signed payload is an OMS statement. The v0.2.0 PAE encoding is accepted only for the legacy
 * predicate it was used with, so it cannot carry a modern manifest.
 */
final class StatementCheck implements Check {
  private final StatementParser parser = new StatementParser();

  @Override
  public String stage() {
    return "statement";
  }

  @Override
  public List<Failure> run(VerificationContext ctx) {
    try {
      ctx.statement = parser.parse(ctx.bundle.envelope().payload().toArray());
    } catch (InvalidInputException e) {
      return List.of(e.toFailure());
    }
    if (ctx.signer.paeForm() == PaeForm.LEGACY_V02
        && ctx.statement.kind() != PredicateKind.LEGACY_DIGESTS_V01) {
      return List.of(
          Failure.of(
              Reason.SIGNATURE_INVALID,
              "signature uses the model_signing v0.2 encoding, which is accepted only for predicate %s",
              PredicateKind.LEGACY_DIGESTS_V01.uri()));
    }
    SerializationMethod method = ctx.statement.serialization().method();
    if (!ctx.options.accepts(method)) {
      // shards manifests have no entry for an empty file, so they cannot prove a directory has
      // no added empty files; a policy may insist on files manifests.
      return List.of(
          Failure.of(
              Reason.HASH_ALGORITHM_UNSUPPORTED,
              "signature uses the '%s' serialization, which the policy does not accept (verification.serializations: %s)",
              method.omsName(),
              ctx.options.serializations().stream()
                  .map(SerializationMethod::omsName)
                  .sorted()
                  .toList()));
    }
    return List.of();
  }
}
