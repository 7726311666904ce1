package dev.modelgate.policy;

import java.util.List;

/**
 * Where compiled policies come from: a directory of YAML (embedded mode) or informers (in-cluster).
 * Implementations are thread-safe; {@link #policies()} returns an immutable snapshot.
 */
public interface PolicyStore {
  List<CompiledPolicy> policies();

  /** True once policies have been loaded at least once (readiness). */
  boolean ready();
}
