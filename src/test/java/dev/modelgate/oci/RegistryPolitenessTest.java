package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.modelgate.core.ModelGateException;
import dev.modelgate.core.Reason;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kind to registries: Retry-After honoured only within the deadline, jittered backoff, a bounded
 * number of retries, a per-registry limit on requests in flight, and every answer counted. Waits go
 * through a recording sleeper, so nothing here sleeps.
 */
class RegistryPolitenessTest {
  static final byte[] BLOB = "weights".getBytes();

  HttpServer server;
  OciReference repo;
  final AtomicInteger requests = new AtomicInteger();

  /** The status of the n-th request (1-based) and its Retry-After header, or null for none. */
  volatile IntFunction<String[]> answer = n -> new String[] {"200", null};

  final List<Duration> waits = new CopyOnWriteArrayList<>();
  final List<String> counted = new CopyOnWriteArrayList<>();
  final CountDownLatch hang = new CountDownLatch(1);

  @BeforeEach
  void setUp() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
    repo = OciReference.parse("127.0.0.1:" + server.getAddress().getPort() + "/models/llm:1");
  }

  @AfterEach
  void tearDown() {
    hang.countDown();
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    String[] a = answer.apply(requests.incrementAndGet());
    if (a[0].equals("hang")) {
      try {
        hang.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.close();
      return;
    }
    if (a[1] != null) {
      ex.getResponseHeaders().add("Retry-After", a[1]);
    }
    int status = Integer.parseInt(a[0]);
    byte[] body = status == 200 ? BLOB : new byte[0];
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      ex.getResponseBody().write(body);
    }
    ex.close();
  }

  private RegistryClient client(int maxInFlight) {
    RegistryPoliteness p =
        new RegistryPoliteness(
            maxInFlight,
            2,
            Duration.ofMillis(200),
            (registry, status) -> counted.add(registry + " " + status),
            waits::add);
    return new RegistryClient(RegistryCredentials.NONE, Set.of(), p);
  }

  private byte[] fetch(RegistryClient c, Duration budget) {
    return c.blob(repo, OciDigest.sha256(BLOB), 1024, Instant.now().plus(budget));
  }

  @Test
  void retryAfterWithinTheDeadlineIsWaitedAndTheRequestRetried() {
    answer = n -> n == 1 ? new String[] {"429", "3"} : new String[] {"200", null};

    assertThat(fetch(client(8), Duration.ofSeconds(10))).isEqualTo(BLOB);

    assertThat(waits).containsExactly(Duration.ofSeconds(3));
    assertThat(requests.get()).isEqualTo(2);
    assertThat(counted).containsExactly(repo.registry() + " 429", repo.registry() + " 200");
  }

  @Test
  void retryAfterAsAnHttpDateIsRead() {
    String inTwoSeconds =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(2));
    answer = n -> n == 1 ? new String[] {"503", inTwoSeconds} : new String[] {"200", null};

    assertThat(fetch(client(8), Duration.ofSeconds(10))).isEqualTo(BLOB);

    assertThat(waits)
        .singleElement()
        .satisfies(d -> assertThat(d).isBetween(Duration.ZERO, Duration.ofSeconds(3)));
  }

  @Test
  void retryAfterBeyondTheDeadlineIsAnsweredAtOnceAsUnavailable() {
    answer = n -> new String[] {"429", "60"};
    Instant start = Instant.now();

    assertThatThrownBy(() -> fetch(client(8), Duration.ofSeconds(5)))
        .isInstanceOfSatisfying(
            ModelGateException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE))
        .hasMessageContaining("rate-limiting");

    assertThat(waits).isEmpty();
    assertThat(requests.get()).isEqualTo(1);
    assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void throttlingWithoutRetryAfterBacksOffWithJitterAndGivesUpAfterTwoRetries() {
    answer = n -> new String[] {"503", null};

    assertThatThrownBy(() -> fetch(client(8), Duration.ofSeconds(10)))
        .isInstanceOfSatisfying(
            ModelGateException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE));

    assertThat(requests.get()).isEqualTo(3);
    assertThat(waits).hasSize(2);
    assertThat(waits.get(0)).isBetween(Duration.ZERO, Duration.ofMillis(200));
    assertThat(waits.get(1)).isBetween(Duration.ZERO, Duration.ofMillis(400));
  }

  @Test
  void otherErrorsAreNotRetried() {
    answer = n -> new String[] {"500", "1"};

    assertThatThrownBy(() -> fetch(client(8), Duration.ofSeconds(10)))
        .isInstanceOf(ModelGateException.class);

    assertThat(requests.get()).isEqualTo(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void requestsBeyondTheRegistrysInFlightLimitWaitWithinTheirDeadline() throws Exception {
    answer = n -> new String[] {"hang", null};
    RegistryClient c = client(2);
    var pool = Executors.newFixedThreadPool(2);
    pool.submit(() -> fetch(c, Duration.ofSeconds(20)));
    pool.submit(() -> fetch(c, Duration.ofSeconds(20)));
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (requests.get() < 2 && System.nanoTime() < end) {
      Thread.onSpinWait();
    }
    Instant start = Instant.now();

    assertThatThrownBy(() -> fetch(c, Duration.ofMillis(300)))
        .isInstanceOfSatisfying(
            ModelGateException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE))
        .hasMessageContaining("already has 2 requests from ModelGate in flight");

    assertThat(requests.get()).as("the third request never reached the registry").isEqualTo(2);
    assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
    hang.countDown();
    pool.shutdownNow();
  }

  @Test
  void retryAfterValuesAreParsedOrIgnored() {
    assertThat(RegistryPoliteness.parseRetryAfter("120")).contains(Duration.ofSeconds(120));
    assertThat(RegistryPoliteness.parseRetryAfter(" 7 ")).contains(Duration.ofSeconds(7));
    assertThat(RegistryPoliteness.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"))
        .contains(Duration.ZERO);
    assertThat(RegistryPoliteness.parseRetryAfter("soon")).isEmpty();
    assertThat(RegistryPoliteness.parseRetryAfter("-5")).isEmpty();
  }
}
