package dev.modelgate.oms;

/** What to do with a symbolic link found in a model. */
public enum SymlinkPolicy {
  /** Refuse every link that is not ignored (the OMS default, {@code allow_symlinks: false}). */
  REFUSE,
  /**
   * Follow links whose real target is a regular file inside the model root. A verifier facing an
   * untrusted model uses this: nothing outside the root is ever opened.
   */
  FOLLOW_WITHIN_ROOT,
  /**
   * Follow links to regular files anywhere, as the reference does with {@code --allow-symlinks}.
   * Only for signing a model the caller controls.
   */
  FOLLOW_ANYWHERE_UNSAFE
}
