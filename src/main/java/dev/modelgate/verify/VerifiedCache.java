package dev.modelgate.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Verified results for OCI manifests, keyed by manifest digest, compiled policy (a recompiled
 * policy is a new key, so a policy or trust-root change is never answered from the cache) and the
 * workload's registry access (so one namespace's credentials never answer for another's). Only
 * passes are kept; failures are always re-checked. Bounded in size and age. Thread-safe.
 */
public final class VerifiedCache {
  static final int MAX_ENTRIES = 4096;
  static final Duration TTL = Duration.ofMinutes(10);

  private final Map<Key, Entry> entries = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
      return size() > MAX_ENTRIES;
    }
  };
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final boolean enabled;

  public VerifiedCache() {
    this(true);
  }

  /** A disabled cache keeps nothing: every verification is cold. */
  public VerifiedCache(boolean enabled) {
    this.enabled = enabled;
  }

  record Key(String manifest, VerificationPolicy policy, String access) {}

  private record Entry(VerificationResult result, Instant expires) {}

  synchronized VerificationResult get(Key key) {
    Entry e = entries.get(key);
    if (e == null || Instant.now().isAfter(e.expires())) {
      entries.remove(key);
      misses.incrementAndGet();
      return null;
    }
    hits.incrementAndGet();
    return e.result();
  }

  synchronized void put(Key key, VerificationResult result) {
    if (!enabled) {
      return;
    }
    entries.put(key, new Entry(result, Instant.now().plus(TTL)));
  }

  public long hits() {
    return hits.get();
  }

  public long misses() {
    return misses.get();
  }
}
