package dev.modelgate.admission;

import dev.modelgate.admission.runtimeargs.CoveredRead;
import dev.modelgate.core.Failure;
import dev.modelgate.core.Printable;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.IgnoreRules;
import dev.modelgate.oms.RelativePath;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.source.ModelReference;
import java.util.ArrayList;
import java.util.List;

/**
 * A runtime argument inside a verified model is covered by its verification, except inside a path
 * the policy exempts from it ({@code verification.ignorePaths}, the Git paths with {@code
 * ignoreGitPaths}): those files were not verified, so a server pointed at them loads what nothing
 * checked (a model planted in an ignored {@code .cache/} of a claim). Refused as
 * RUNTIME_MODEL_SOURCE, naming the container, the flag, the value and the ignored path.
 */
final class IgnoredPathReads {
  private IgnoredPathReads() {}

  static List<Failure> check(List<CoveredRead> reads, ModelReference model, CompiledPolicy policy) {
    if (reads.isEmpty() || policy.verification().isEmpty()) {
      return List.of();
    }
    var options = policy.verification().get().options();
    IgnoreRules rules = new IgnoreRules(options.ignorePaths());
    if (options.ignoreGitPaths()) {
      rules = rules.plus(IgnoreRules.GIT_PATHS);
    }
    List<Failure> out = new ArrayList<>();
    for (CoveredRead r : reads) {
      if (!r.model().equals(model.name()) || r.inModel().isEmpty()) {
        continue;
      }
      RelativePath at;
      try {
        at = RelativePath.parse(r.inModel());
      } catch (RuntimeException e) {
        // A name no signature can list (a backslash, undecodable bytes) was never verified, and
        // whether it lies in an exempt directory cannot be told: refused, not skipped.
        out.add(
            Failure.of(
                Reason.RUNTIME_MODEL_SOURCE,
                "container '%s' runs its server with %s %s, inside model '%s' at '%s', which is no path a signature can name (%s): nothing verified that file",
                r.container(),
                r.flag(),
                Printable.escape(r.value()),
                model.name(),
                Printable.escape(r.inModel()),
                e.getMessage()));
        continue;
      }
      if (rules.ignores(at)) {
        out.add(
            Failure.of(
                Reason.RUNTIME_MODEL_SOURCE,
                "container '%s' runs its server with %s %s, inside model '%s' at '%s', which policy %s exempts from verification (verification.ignorePaths or the Git paths): nothing verified those files",
                r.container(),
                r.flag(),
                Printable.escape(r.value()),
                model.name(),
                r.inModel(),
                policy.displayName()));
      }
    }
    return out;
  }
}
