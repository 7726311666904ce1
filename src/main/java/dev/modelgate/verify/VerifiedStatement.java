package dev.modelgate.verify;

import dev.modelgate.oms.Digest;
import dev.modelgate.oms.OmsStatement;
import java.util.Objects;

/**
 * An OMS statement whose signature verified and whose subject digest equals the root digest of its
 * resources: the signed manifest the content steps compare the model with.
 */
record VerifiedStatement(VerifiedSigners signers, OmsStatement statement, Digest rootDigest) {
  VerifiedStatement {
    Objects.requireNonNull(signers, "signers");
    Objects.requireNonNull(statement, "statement");
    Objects.requireNonNull(rootDigest, "rootDigest");
  }
}
