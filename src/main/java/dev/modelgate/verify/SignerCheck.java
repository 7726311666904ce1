package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.trust.SignerVerdict;
import java.util.List;

/** The envelope signature verifies and the signer is trusted, per the configured method. */
final class SignerCheck implements Check {
  @Override
  public String stage() {
    return "signer";
  }

  @Override
  public List<Failure> run(VerificationContext ctx) {
    SignerVerdict verdict = ctx.verifier.verify(ctx.bundle);
    if (verdict instanceof SignerVerdict.Verified) {
      ctx.signer = (SignerVerdict.Verified) verdict;
      return List.of();
    }
    if (verdict instanceof SignerVerdict.Rejected) {
      return ((SignerVerdict.Rejected) verdict).failures();
    }
    throw new IllegalStateException("unknown verdict " + verdict);
  }
}
