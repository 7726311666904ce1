package dev.modelgate.oci;

import dev.modelgate.core.UnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * How ModelGate treats registries when many reviews arrive at once (a 500-replica scale-up, a
 * drain): at most {@code maxInFlight} requests to one registry at a time, and a {@code 429} or
 * {@code 503} is retried at most {@code maxRetries} times, after its {@code Retry-After} or a
 * jittered exponential backoff (full jitter, so retries from many reviews spread out rather than
 * arrive together), and only when the wait ends before the caller's deadline. Every answer is
 * counted by registry and status for {@code modelgate_registry_requests_total}.
 */
public final class RegistryPoliteness {
  /** Receives one count per response (or {@code "error"} when none came). */
  public interface RequestObserver {
    void answered(String registry, String status);

    RequestObserver NONE = (registry, status) -> {};
  }

  /** Waits between retries; a test hands in one that records and returns at once. */
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;

    Sleeper REAL = d -> Thread.sleep(Math.max(0, d.toMillis()));
  }

  /** 8 requests in flight per registry, 2 retries, 200 ms backoff base; limits are per instance. */
  public static RegistryPoliteness standard() {
    return new RegistryPoliteness(8, 2, Duration.ofMillis(200), RequestObserver.NONE, Sleeper.REAL);
  }

  private final int maxInFlight;
  private final int maxRetries;
  private final Duration backoff;
  private final RequestObserver observer;
  private final Sleeper sleeper;
  private final Map<String, Semaphore> inFlight = new ConcurrentHashMap<>();

  public RegistryPoliteness(
      int maxInFlight,
      int maxRetries,
      Duration backoff,
      RequestObserver observer,
      Sleeper sleeper) {
    if (maxInFlight < 1 || maxRetries < 0 || backoff.isNegative()) {
      throw new IllegalArgumentException(
          "maxInFlight must be positive, maxRetries and backoff not negative");
    }
    this.maxInFlight = maxInFlight;
    this.maxRetries = maxRetries;
    this.backoff = backoff;
    this.observer = observer;
    this.sleeper = sleeper;
  }

  /** The same limits, counted by {@code other}. */
  public RegistryPoliteness observedBy(RequestObserver other) {
    return new RegistryPoliteness(maxInFlight, maxRetries, backoff, other, sleeper);
  }

  /** A permit to send to {@code registry}, waited for within the deadline. */
  Permit acquire(String registry, Instant deadline) {
    Semaphore s = inFlight.computeIfAbsent(registry, r -> new Semaphore(maxInFlight, true));
    long left = Duration.between(Instant.now(), deadline).toMillis();
    try {
      if (left <= 0 || !s.tryAcquire(left, TimeUnit.MILLISECONDS)) {
        throw new UnavailableException(
            "registry "
                + registry
                + " already has "
                + maxInFlight
                + " requests from ModelGate in flight; this one could not start before the deadline",
            null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while waiting to ask registry " + registry, e);
    }
    return s::release;
  }

  /** Releases a registry permit; idempotence is the caller's concern (try-with-resources). */
  interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  void answered(String registry, String status) {
    observer.answered(registry, status);
  }

  /**
   * How long to wait before retry number {@code attempt} (1-based) of a throttled request, or empty
   * when it must not be retried: not a throttling status, retries used up, or the wait would end
   * after the deadline (then the caller answers {@code UNAVAILABLE} at once, not late).
   */
  Optional<Duration> retryAfter(
      int status, Optional<String> retryAfterHeader, int attempt, Instant deadline) {
    if ((status != 429 && status != 503) || attempt > maxRetries) {
      return Optional.empty();
    }
    Duration wait =
        retryAfterHeader
            .flatMap(RegistryPoliteness::parseRetryAfter)
            .orElseGet(
                () ->
                    Duration.ofMillis(
                        ThreadLocalRandom.current()
                            .nextLong(backoff.toMillis() * (1L << (attempt - 1)) + 1)));
    if (Instant.now().plus(wait).isAfter(deadline)) {
      return Optional.empty();
    }
    return Optional.of(wait);
  }

  void sleep(Duration d, String registry) {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while waiting to retry registry " + registry, e);
    }
  }

  /** RFC 9110 section 10.2.3: delay-seconds or an HTTP-date. */
  static Optional<Duration> parseRetryAfter(String value) {
    String v = value.trim();
    if (v.matches("\\d{1,9}")) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
    }
    try {
      Duration d =
          Duration.between(
              Instant.now(),
              ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
