package dev.modelgate.verify;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.oms.BundleParser;
import dev.modelgate.oms.SigstoreBundle;
import java.nio.file.Path;

/**
 * Reads (or takes the fetched bytes of) and parses a signature bundle (Sigstore bundle v0.3),
 * within the size limit. The parsed bundle is not trusted yet.
 */
final class BundleCheck {
  private final BundleParser parser = new BundleParser();

  StepOutcome<SigstoreBundle> read(Path file) {
    try {
      return StepOutcome.passed(parser.read(file));
    } catch (InvalidInputException e) {
      return StepOutcome.failed(e.toFailure());
    }
  }

  StepOutcome<SigstoreBundle> parse(byte[] bytes) {
    try {
      return StepOutcome.passed(parser.parse(bytes));
    } catch (InvalidInputException e) {
      return StepOutcome.failed(e.toFailure());
    }
  }
}
