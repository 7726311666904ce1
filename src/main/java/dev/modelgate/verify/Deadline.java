package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one verification on its own daemon thread and answers within a time budget: when the budget
 * is spent the thread is interrupted (hashing stops within one chunk and releases a read blocked on
 * a swapped-in FIFO) and the answer is {@link Reason#UNAVAILABLE}, never a wait without end. A
 * thread stuck in the kernel anyway is abandoned; being a daemon, it does not keep the JVM alive.
 */
public final class Deadline {
  private Deadline() {}

  public static VerificationResult within(
      String shownAs, Duration budget, Callable<VerificationResult> verification) {
    CompletableFuture<VerificationResult> result = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                result.complete(verification.call());
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            "modelgate-verify-deadline");
    t.setDaemon(true);
    t.start();
    try {
      return result.get(Math.max(1, budget.toMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      t.interrupt();
      return failed(
          Reason.UNAVAILABLE,
          shownAs,
          "did not finish within the timeout of " + budget.toMillis() + " ms");
    } catch (InterruptedException e) {
      t.interrupt();
      Thread.currentThread().interrupt();
      return failed(Reason.UNAVAILABLE, shownAs, "was interrupted before it finished");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      if (e.getCause() instanceof Error) {
        throw (Error) e.getCause();
      }
      return failed(Reason.INTERNAL_ERROR, shownAs, "failed unexpectedly: " + e.getCause());
    }
  }

  private static VerificationResult failed(Reason reason, String shownAs, String what) {
    return VerificationResult.failed(shownAs, List.of(Failure.of(reason, "verification %s", what)));
  }
}
