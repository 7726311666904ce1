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

  /**
   * Asks to be told when what the policies compile to changes (a policy or a trust root it names
   * added, changed or removed). {@code listener} runs on the store's thread and must return
   * quickly. A store that never changes never calls it.
   */
  default void onChange(Runnable listener) {}
}
