package dev.modelgate.policy;

/** How a policy treats OCI models named by tag. */
public enum DigestPolicy {
  /** Verify the digest the tag resolves to, and have /mutate pin the reference to it. */
  MUTATE,
  /** Deny models named by tag; only {@code @sha256:} references pass. */
  REQUIRE,
  /** Verify the resolved digest and change nothing (the tag may move later). */
  VERIFY_ONLY
}
