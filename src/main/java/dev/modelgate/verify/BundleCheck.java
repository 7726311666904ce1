package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.oms.BundleParser;
import java.util.List;

/**
 * Reads (or takes the fetched bytes of) and parses the signature bundle (Sigstore bundle v0.3),
 * within the size limit.
 */
final class BundleCheck implements Check {
  private final BundleParser parser = new BundleParser();

  @Override
  public String stage() {
    return "bundle";
  }

  @Override
  public List<Failure> run(VerificationContext ctx) {
    try {
      ctx.bundle =
          ctx.bundleBytes != null
              ? parser.parse(ctx.bundleBytes)
              : parser.read(ctx.request.signature());
      return List.of();
    } catch (InvalidInputException e) {
      return List.of(e.toFailure());
    }
  }
}
