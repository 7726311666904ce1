package dev.modelgate.cli;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Printable;
import dev.modelgate.core.Reason;
import dev.modelgate.verify.VerificationResult;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How verify and its method subcommands tell a result: what was checked or each failure, JSON if
 * asked, the exit code.
 */
final class VerificationReport {
  private static final int MAX_LISTED_FAILURES = 20;

  private VerificationReport() {}

  /**
   * Reports {@code r} and returns the exit code. With {@code referenceLine}, a success also prints
   * model_signing's own last line, {@code Verification succeeded}, on stdout
   * (src/model_signing/_cli.py @ e3430730), which scripts grep for
   * (scripts/tests/test-sign-verify-allversions.sh).
   */
  static int finish(CommandSpec spec, VerificationResult r, boolean json, boolean referenceLine) {
    report(spec, r, json);
    if (referenceLine && !json && r.verified()) {
      spec.commandLine().getOut().println("Verification succeeded");
    }
    return exitCode(r);
  }

  static void report(CommandSpec spec, VerificationResult r, boolean json) {
    var err = spec.commandLine().getErr();
    if (json) {
      spec.commandLine().getOut().println(ResultJson.verification(r));
    }
    r.warnings().forEach(w -> err.printf("warning: %s%n", Printable.escape(w)));
    if (r.verified()) {
      err.printf(
          "Verified %s: signed by %s (%s); %d files, %s, root %s%n",
          Printable.escape(r.model()),
          Printable.escape(r.signer().map(s -> s.identity()).orElse("?")),
          r.signer().map(s -> s.method().label()).orElse("?"),
          r.filesChecked(),
          TerminalProgress.human(r.bytesHashed()),
          r.rootDigest().map(Object::toString).orElse("?"));
      return;
    }
    err.printf("Verification FAILED for %s:%n", Printable.escape(r.model()));
    List<Failure> failures = r.failures();
    for (int i = 0; i < Math.min(failures.size(), MAX_LISTED_FAILURES); i++) {
      err.printf("  %s%n", failures.get(i));
    }
    if (failures.size() > MAX_LISTED_FAILURES) {
      err.printf("  and %d more%n", failures.size() - MAX_LISTED_FAILURES);
    }
  }

  static int exitCode(VerificationResult r) {
    if (r.verified()) {
      return ExitCode.OK;
    }
    if (r.failures().stream().anyMatch(f -> f.reason().undecided())) {
      return ExitCode.UNDECIDED;
    }
    if (r.failures().stream().allMatch(f -> f.reason() == Reason.NOT_FOUND)) {
      return ExitCode.BAD_INPUT;
    }
    return ExitCode.FAILED;
  }
}
