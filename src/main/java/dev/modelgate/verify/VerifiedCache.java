package dev.modelgate.verify;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oci.OciDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What OCI verification remembers, so that a scale-up, a drain or a crash loop does not become a
 * burst of registry requests, and what it must never remember wrongly (kyverno #16213: a cached
 * answer pinned a digest nobody had verified after a tag moved).
 *
 * <ul>
 *   <li><b>Results</b> by (manifest digest, policy identity, registry access): a pass for {@code
 *       passTtl}, a definitive failure (bad signature, digest mismatch, no signature, file rules)
 *       for {@code failureTtl}; a result with an {@code UNAVAILABLE} or {@code INTERNAL_ERROR}
 *       failure is never kept. The policy identity changes with the policy's content and the trust
 *       roots it names ({@link VerificationPolicy#identity()}), so an edit or a rotation is never
 *       answered from here. A result is always for one digest: the caller pins that digest.
 *   <li><b>Tag resolutions</b> (tag → manifest digest) for {@code tagTtl}, shared by every policy.
 *   <li><b>Verifications in flight</b>: concurrent callers with the same key share one; each waits
 *       within its own deadline.
 * </ul>
 *
 * Bounded in size, thread-safe; the clock is a {@link Ticker} so tests control time.
 */
public final class VerifiedCache {
  /** How long each kind of answer is kept, and how many. */
  public record Settings(
      boolean enabled, Duration passTtl, Duration failureTtl, Duration tagTtl, long maxEntries) {
    public Settings {
      Objects.requireNonNull(passTtl, "passTtl");
      Objects.requireNonNull(failureTtl, "failureTtl");
      Objects.requireNonNull(tagTtl, "tagTtl");
      if (passTtl.isNegative()
          || failureTtl.isNegative()
          || tagTtl.isNegative()
          || maxEntries < 1) {
        throw new IllegalArgumentException(
            "cache durations must not be negative and the size must be positive");
      }
    }

    public static final Settings DEFAULTS =
        new Settings(
            true, Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofSeconds(30), 4096);

    /** Nothing kept; verifications in flight are still shared. */
    public static final Settings DISABLED =
        new Settings(false, Duration.ZERO, Duration.ZERO, Duration.ZERO, 1);
  }

  /**
   * A verified result's key: one manifest, under one policy's content, seen with one registry
   * access.
   */
  public record Key(String manifest, String policy, String access) {}

  /** A tag's key: the access matters, since credentials decide what a registry shows. */
  public record TagKey(String repository, String tag, String access) {}

  private final Settings settings;
  private final Cache<Key, VerificationResult> results;
  private final Cache<TagKey, OciDigest> tags;
  private final ConcurrentHashMap<Object, CompletableFuture<VerificationResult>> inFlight =
      new ConcurrentHashMap<>();
  private final AtomicLong shared = new AtomicLong();

  public VerifiedCache() {
    this(Settings.DEFAULTS);
  }

  /** A disabled cache keeps nothing: every verification is cold. */
  public VerifiedCache(boolean enabled) {
    this(enabled ? Settings.DEFAULTS : Settings.DISABLED);
  }

  public VerifiedCache(Settings settings) {
    this(settings, Ticker.systemTicker());
  }

  public VerifiedCache(Settings settings, Ticker ticker) {
    this.settings = settings;
    this.results =
        Caffeine.newBuilder()
            .maximumSize(settings.maxEntries())
            .ticker(ticker)
            .recordStats()
            .expireAfter(
                new Expiry<Key, VerificationResult>() {
                  @Override
                  public long expireAfterCreate(Key key, VerificationResult r, long now) {
                    return (r.verified() ? settings.passTtl() : settings.failureTtl()).toNanos();
                  }

                  @Override
                  public long expireAfterUpdate(
                      Key key, VerificationResult r, long now, long current) {
                    return expireAfterCreate(key, r, now);
                  }

                  @Override
                  public long expireAfterRead(
                      Key key, VerificationResult r, long now, long current) {
                    return current;
                  }
                })
            .build();
    this.tags =
        Caffeine.newBuilder()
            .maximumSize(settings.maxEntries())
            .ticker(ticker)
            .recordStats()
            .expireAfterWrite(settings.tagTtl())
            .build();
  }

  /** A kept result, without any I/O. */
  public Optional<VerificationResult> result(Key key) {
    return Optional.ofNullable(results.getIfPresent(key));
  }

  /** The digest a tag resolved to within the tag TTL. */
  public Optional<OciDigest> tag(TagKey key) {
    return Optional.ofNullable(tags.getIfPresent(key));
  }

  public void rememberTag(TagKey key, OciDigest digest) {
    if (settings.enabled()) {
      tags.put(key, digest);
    }
  }

  /**
   * The kept result for {@code key}, or the one {@code verification} produces. Callers that arrive
   * while another runs the same work ({@code flight}: the key, or a wider one such as a tag that
   * has still to be resolved) wait for it until their own {@code deadline}, then answer {@code
   * UNAVAILABLE}; the work runs on the first caller's thread, within its deadline.
   */
  public VerificationResult verifyOnce(
      Object flight, String shown, Instant deadline, Supplier<VerificationResult> verification) {
    CompletableFuture<VerificationResult> mine = new CompletableFuture<>();
    CompletableFuture<VerificationResult> running = inFlight.putIfAbsent(flight, mine);
    if (running != null) {
      shared.incrementAndGet();
      return await(running, shown, deadline);
    }
    try {
      VerificationResult r = verification.get();
      mine.complete(r);
      return r;
    } catch (RuntimeException | Error e) {
      // Waiters must learn it failed (INTERNAL_ERROR), not wait out their deadline (UNAVAILABLE).
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(flight, mine);
    }
  }

  /** Keeps a result unless it is undecided (or the cache is off). */
  public void remember(Key key, VerificationResult r) {
    if (settings.enabled() && r.failures().stream().noneMatch(f -> f.reason().undecided())) {
      results.put(key, r);
    }
  }

  private static VerificationResult await(
      CompletableFuture<VerificationResult> running, String shown, Instant deadline) {
    long left = Duration.between(Instant.now(), deadline).toMillis();
    try {
      return running.get(Math.max(0, left), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return VerificationResult.failed(
          shown,
          List.of(
              Failure.of(
                  Reason.UNAVAILABLE,
                  "the verification of %s that another review started did not finish before this review's deadline",
                  shown)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return VerificationResult.failed(
          shown,
          List.of(
              Failure.of(
                  Reason.UNAVAILABLE,
                  "interrupted while waiting for the verification of %s",
                  shown)));
    } catch (ExecutionException e) {
      // The first caller's thread reports its own exception; a waiter only learns that it failed.
      return VerificationResult.failed(
          shown,
          List.of(
              Failure.of(
                  Reason.INTERNAL_ERROR,
                  "the verification of %s that another review started failed unexpectedly (see ModelGate's log)",
                  shown)));
    }
  }

  /** Result-cache statistics (hits, misses, evictions). */
  public CacheStats stats() {
    return results.stats();
  }

  public CacheStats tagStats() {
    return tags.stats();
  }

  /** Callers that waited for a verification another caller ran, instead of running their own. */
  public long shared() {
    return shared.get();
  }

  public long hits() {
    return results.stats().hitCount();
  }

  public long misses() {
    return results.stats().missCount();
  }

  public long size() {
    return results.estimatedSize();
  }
}
