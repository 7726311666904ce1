package dev.modelgate.oms;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Paths exempt from signing and verification. A path is ignored when it equals an entry or lies
 * below it, component-wise, with no globbing (reference {@code is_relative_to}; OMS spec 6.2.1).
 */
public record IgnoreRules(List<RelativePath> paths) {
  /** Git metadata ignored by default, only at the model root (model_signing {@code hashing.py}). */
  public static final List<RelativePath> GIT_PATHS =
      List.of(
          RelativePath.parse(".git"),
          RelativePath.parse(".gitattributes"),
          RelativePath.parse(".github"),
          RelativePath.parse(".gitignore"));

  public IgnoreRules {
    // Sorted and unique, so the ignore_paths a signer writes are deterministic.
    TreeSet<RelativePath> sorted = new TreeSet<>(RelativePath.COMPONENT_ORDER);
    sorted.addAll(paths);
    sorted.remove(RelativePath.SELF);
    paths = List.copyOf(sorted);
  }

  public static IgnoreRules none() {
    return new IgnoreRules(List.of());
  }

  public IgnoreRules plus(Collection<RelativePath> more) {
    List<RelativePath> all = new ArrayList<>(paths);
    all.addAll(more);
    return new IgnoreRules(all);
  }

  public boolean ignores(RelativePath path) {
    for (RelativePath p : paths) {
      if (path.isWithin(p)) {
        return true;
      }
    }
    return false;
  }
}
