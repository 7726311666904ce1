package dev.modelgate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The models of one workload are verified at the same time, each within the request's deadline:
 * every verification waits at a barrier for the others, which only a parallel decision reaches (a
 * sequential one would leave the first alone at the barrier until it gives up).
 */
class ParallelVerificationTest {
  static final int MODELS = 3;
  @TempDir Path tmp;
  final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** Runs each verification only once all {@code MODELS} have started; notes if they did not. */
  static final class Rendezvous extends AbstractExecutorService {
    final CyclicBarrier barrier = new CyclicBarrier(MODELS);
    final AtomicBoolean alone = new AtomicBoolean();
    final ExecutorService delegate;

    Rendezvous(ExecutorService delegate) {
      this.delegate = delegate;
    }

    @Override
    public void execute(Runnable task) {
      delegate.execute(
          () -> {
            try {
              barrier.await(8, TimeUnit.SECONDS);
            } catch (TimeoutException | BrokenBarrierException e) {
              alone.set(true);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            task.run();
          });
    }

    @Override
    public void shutdown() {
      delegate.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
      return delegate.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
      return delegate.isShutdown();
    }

    @Override
    public boolean isTerminated() {
      return delegate.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      return delegate.awaitTermination(timeout, unit);
    }
  }

  @Test
  void everyModelOfAWorkloadIsInVerificationAtOnce() {
    KeyPair keys = TestKeys.ec("secp256r1");
    Path key = TestKeys.writePem(tmp.resolve("k.key"), keys.getPrivate());
    Path pub = TestKeys.writePem(tmp.resolve("k.pub"), keys.getPublic());
    StringBuilder annotations = new StringBuilder();
    for (int i = 0; i < MODELS; i++) {
      Path dir = TestModels.sample(tmp.resolve("models"), "m" + i);
      assertThat(Cli.run("sign", dir, "--private-key", key).exitCode()).isZero();
      annotations.append("    model.modelgate.dev/m").append(i).append(": file://").append(dir);
      annotations.append("\n");
    }
    Rendezvous threads = new Rendezvous(pool);
    AdmissionHarness harness =
        new AdmissionHarness(tmp)
            .verificationThreads(threads)
            .policy("p.yaml", AdmissionHarness.keyPolicy("local", "Enforce", "file://**", pub, ""));

    AdmissionOutcome o =
        harness.review(
            AdmissionHarness.create(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ml\n  annotations:\n"
                    + annotations
                    + "spec:\n  containers: [{name: s, image: s}]\n"));

    assertThat(o.allowed()).as(o.message()).isTrue();
    assertThat(o.verdicts()).hasSize(MODELS).allMatch(v -> v.passed());
    assertThat(threads.alone).as("a verification waited alone for the others").isFalse();
  }
}
