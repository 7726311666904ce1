package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import java.util.List;

/** One verification step. Returns every failure it found; an empty list means the step passed. */
interface Check {
  /** A short, stable stage name for logs and metrics. */
  String stage();

  List<Failure> run(VerificationContext ctx);
}
