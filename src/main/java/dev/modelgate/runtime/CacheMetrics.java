package dev.modelgate.runtime;

import dev.modelgate.verify.VerifiedCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The verification cache on /q/metrics: {@code modelgate_cache_lookups_total{cache,result}} (hit,
 * miss), {@code modelgate_cache_evictions_total{cache}}, {@code modelgate_cache_size}, and {@code
 * modelgate_verifications_shared_total} (reviews that waited for a verification another review
 * ran).
 */
final class CacheMetrics {
  private CacheMetrics() {}

  static void register(MeterRegistry metrics, VerifiedCache cache) {
    FunctionCounter.builder("modelgate.cache.lookups", cache, c -> c.stats().hitCount())
        .tag("cache", "results")
        .tag("result", "hit")
        .register(metrics);
    FunctionCounter.builder("modelgate.cache.lookups", cache, c -> c.stats().missCount())
        .tag("cache", "results")
        .tag("result", "miss")
        .register(metrics);
    FunctionCounter.builder("modelgate.cache.lookups", cache, c -> c.tagStats().hitCount())
        .tag("cache", "tags")
        .tag("result", "hit")
        .register(metrics);
    FunctionCounter.builder("modelgate.cache.lookups", cache, c -> c.tagStats().missCount())
        .tag("cache", "tags")
        .tag("result", "miss")
        .register(metrics);
    FunctionCounter.builder("modelgate.cache.evictions", cache, c -> c.stats().evictionCount())
        .tag("cache", "results")
        .register(metrics);
    FunctionCounter.builder("modelgate.cache.evictions", cache, c -> c.tagStats().evictionCount())
        .tag("cache", "tags")
        .register(metrics);
    Gauge.builder("modelgate.cache.size", cache, VerifiedCache::size)
        .tag("cache", "results")
        .register(metrics);
    FunctionCounter.builder("modelgate.verifications.shared", cache, VerifiedCache::shared)
        .register(metrics);
  }
}
