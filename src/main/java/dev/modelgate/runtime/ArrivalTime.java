package dev.modelgate.runtime;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Stamps each request with the moment it arrived, on the event loop, before it waits for a worker
 * thread. The API server's {@code ?timeout=} counts from when it sent the review, so the answer
 * budget must count from arrival: under overload, time spent queued is time already used, and a
 * review picked up late is answered at once ({@code UNAVAILABLE} for its models) instead of after
 * the API server has given up.
 */
@Singleton
public class ArrivalTime {
  static final String KEY = "modelgate.arrivedNanos";

  void stamp(@Observes Router router) {
    router
        .route()
        .order(Integer.MIN_VALUE)
        .handler(
            rc -> {
              rc.put(KEY, System.nanoTime());
              rc.next();
            });
  }

  /** Nanoseconds since the request arrived (0 when it was not stamped). */
  static long waitedNanos(RoutingContext rc) {
    Object arrived = rc == null ? null : rc.get(KEY);
    return arrived instanceof Long ? Math.max(0, System.nanoTime() - (Long) arrived) : 0;
  }
}
