package dev.modelgate.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oci.OciDigest;
import dev.modelgate.testing.FakeTicker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the verification cache keeps, for how long, and how it shares work in flight; time is a fake
 * ticker.
 */
class VerifiedCacheTest {
  final FakeTicker clock = new FakeTicker();
  final VerifiedCache cache =
      new VerifiedCache(
          new VerifiedCache.Settings(
              true, Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofSeconds(30), 100),
          clock);
  final VerifiedCache.Key key =
      new VerifiedCache.Key("registry.test/models/llm@sha256:aa", "ClusterModelPolicy/p@1#ff", "");
  final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void tearDown() {
    threads.shutdownNow();
  }

  static VerificationResult pass() {
    return new VerificationResult(
        "oci://registry.test/models/llm@sha256:aa",
        null,
        null,
        1,
        0,
        List.of("k"),
        "sha256:aa",
        List.of());
  }

  static VerificationResult failure(Reason reason) {
    return VerificationResult.failed(
        "oci://registry.test/models/llm@sha256:aa", List.of(Failure.of(reason, "because")));
  }

  static Instant soon() {
    return Instant.now().plusSeconds(10);
  }

  @Test
  void passIsKeptForItsTtlAndThenForgotten() {
    cache.remember(key, pass());

    clock.advance(Duration.ofMinutes(9));
    assertThat(cache.result(key)).isPresent();
    clock.advance(Duration.ofMinutes(2));
    assertThat(cache.result(key)).isEmpty();
  }

  @Test
  void definitiveFailureIsKeptForTheShorterFailureTtl() {
    cache.remember(key, failure(Reason.DIGEST_MISMATCH));

    clock.advance(Duration.ofSeconds(29));
    assertThat(cache.result(key)).get().extracting(VerificationResult::verified).isEqualTo(false);
    clock.advance(Duration.ofSeconds(2));
    assertThat(cache.result(key)).isEmpty();
  }

  @Test
  void unavailableAndInternalErrorsAreNeverKept() {
    cache.remember(key, failure(Reason.UNAVAILABLE));
    assertThat(cache.result(key)).isEmpty();

    cache.remember(key, failure(Reason.INTERNAL_ERROR));
    assertThat(cache.result(key)).isEmpty();
  }

  @Test
  void anotherPolicyIdentityOrAccessIsAnotherKey() {
    cache.remember(key, pass());

    assertThat(cache.result(new VerifiedCache.Key(key.manifest(), "ClusterModelPolicy/p@1#ee", "")))
        .isEmpty();
    assertThat(cache.result(new VerifiedCache.Key(key.manifest(), key.policy(), "ns/sa/[pull]")))
        .isEmpty();
  }

  @Test
  void tagResolutionIsReusedWithinItsTtlOnly() {
    VerifiedCache.TagKey tag = new VerifiedCache.TagKey("registry.test/models/llm", "v1", "");
    cache.rememberTag(tag, OciDigest.sha256(new byte[] {1}));

    clock.advance(Duration.ofSeconds(29));
    assertThat(cache.tag(tag)).isPresent();
    clock.advance(Duration.ofSeconds(2));
    assertThat(cache.tag(tag)).isEmpty();
  }

  @Test
  void disabledCacheKeepsNothing() {
    VerifiedCache off = new VerifiedCache(false);
    off.remember(key, pass());

    assertThat(off.result(key)).isEmpty();
  }

  @Test
  void concurrentCallersShareOneVerification() throws Exception {
    int n = 50;
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    List<Future<VerificationResult>> answers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      answers.add(
          threads.submit(
              () ->
                  cache.verifyOnce(
                      key,
                      "m",
                      soon(),
                      () -> {
                        runs.incrementAndGet();
                        await(release);
                        return pass();
                      })));
    }
    // Every caller but the one running is waiting once the shared count says so.
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (cache.shared() < n - 1 && System.nanoTime() < end) {
      Thread.onSpinWait();
    }
    release.countDown();

    for (Future<VerificationResult> a : answers) {
      assertThat(a.get(10, TimeUnit.SECONDS).verified()).isTrue();
    }
    assertThat(runs.get()).isEqualTo(1);
    assertThat(cache.shared()).isEqualTo(n - 1);
  }

  @Test
  void waiterWhoseDeadlineComesFirstIsUnavailableWhileTheVerificationGoesOn() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<VerificationResult> first =
        threads.submit(
            () ->
                cache.verifyOnce(
                    key,
                    "m",
                    soon(),
                    () -> {
                      started.countDown();
                      await(release);
                      return pass();
                    }));
    started.await();

    VerificationResult late =
        cache.verifyOnce(
            key,
            "oci://m",
            Instant.now(),
            () -> {
              throw new AssertionError("a waiter never runs the work itself");
            });
    release.countDown();

    assertThat(late.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.UNAVAILABLE);
              assertThat(f.message()).contains("did not finish before this review's deadline");
            });
    assertThat(first.get(10, TimeUnit.SECONDS).verified()).isTrue();
  }

  @Test
  void aVerificationThatThrowsReachesItsWaitersAsAnInternalError() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<?> first =
        threads.submit(
            () ->
                cache.verifyOnce(
                    key,
                    "m",
                    soon(),
                    () -> {
                      started.countDown();
                      await(release);
                      throw new IllegalStateException("bug");
                    }));
    started.await();
    Future<VerificationResult> waiter =
        threads.submit(() -> cache.verifyOnce(key, "oci://m", soon(), () -> pass()));
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (cache.shared() < 1 && System.nanoTime() < end) {
      Thread.onSpinWait();
    }
    release.countDown();

    assertThat(waiter.get(10, TimeUnit.SECONDS).failures())
        .extracting(Failure::reason)
        .containsExactly(Reason.INTERNAL_ERROR);
    assertThat(first).failsWithin(Duration.ofSeconds(10));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
