package dev.modelgate.runtime;

import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.admission.AdmissionRequest;
import dev.modelgate.admission.AdmissionResponseWriter;
import dev.modelgate.admission.AdmissionReviewParser;
import dev.modelgate.admission.AdmissionService;
import dev.modelgate.core.Failure;
import dev.modelgate.core.InternalFailures;
import dev.modelgate.core.InvalidInputException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.common.annotation.Blocking;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * {@code POST /validate} and {@code POST /mutate}: decode the AdmissionReview, ask the admission
 * service, encode the answer. An unreadable review is HTTP 400 (there is no uid to answer); every
 * other problem is a denial with its reason. One INFO line per decision.
 */
@Path("/")
@Blocking
public class AdmissionResource {
  private static final Logger log = Logger.getLogger(AdmissionResource.class);
  private final AdmissionReviewParser parser = new AdmissionReviewParser();

  @Inject AdmissionService service;
  @Inject ModelGateConfig config;
  @Inject MeterRegistry metrics;

  @POST
  @Path("validate")
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response validate(
      byte[] body, @QueryParam("timeout") String timeout, @Context RoutingContext routing) {
    return review("validate", body, timeout, routing);
  }

  /** Decides the same way as validate, and pins verified OCI tags to their digests (JSON patch). */
  @POST
  @Path("mutate")
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response mutate(
      byte[] body, @QueryParam("timeout") String timeout, @Context RoutingContext routing) {
    return review("mutate", body, timeout, routing);
  }

  private Response review(String endpoint, byte[] body, String timeout, RoutingContext routing) {
    long queued = ArrivalTime.waitedNanos(routing);
    long start = System.nanoTime() - queued;
    AdmissionRequest request;
    try {
      request = parser.parse(body == null ? new byte[0] : body);
    } catch (InvalidInputException e) {
      log.warnf("endpoint=%s decision=unreadable reason=\"%s\"", endpoint, e.getMessage());
      Counter.builder("modelgate.admission.requests")
          .tag("operation", "unknown")
          .tag("decision", "unreadable")
          .register(metrics)
          .increment();
      return Response.status(400)
          .entity(AdmissionResponseWriter.error(e.getMessage()))
          .type(MediaType.APPLICATION_JSON)
          .build();
    }
    // The budget counts from arrival: time spent waiting for a worker thread is already used.
    Instant deadline =
        Instant.now().minusNanos(queued).plus(budget(timeout)).minus(config.answerMargin());
    AdmissionOutcome outcome;
    try {
      outcome = service.review(request, deadline, endpoint.equals("mutate"));
    } catch (RuntimeException e) {
      // Fail closed even where failurePolicy is Ignore: a bug answers "denied", not HTTP 500.
      Failure f =
          InternalFailures.of(
              "the review of " + request.kind() + " " + request.namespace() + "/" + request.name(),
              e);
      outcome = AdmissionOutcome.failed(request.uid(), f);
    }
    long nanos = System.nanoTime() - start;
    Counter.builder("modelgate.admission.requests")
        .tag("operation", request.operation().toLowerCase())
        .tag("decision", outcome.decisionLabel())
        .register(metrics)
        .increment();
    Timer.builder("modelgate.admission.duration")
        .serviceLevelObjectives(
            Duration.ofMillis(10),
            Duration.ofMillis(50),
            Duration.ofMillis(250),
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(30))
        .register(metrics)
        .record(Duration.ofNanos(nanos));
    outcome
        .verdicts()
        .forEach(
            v ->
                Counter.builder("modelgate.verifications")
                    .tag("result", v.passed() ? "verified" : "failed")
                    .tag(
                        "reason",
                        v.passed() ? "none" : v.failures().get(0).reason().code().toLowerCase())
                    .register(metrics)
                    .increment());
    log.infof(
        "uid=%s namespace=%s kind=%s name=%s operation=%s dryRun=%s decision=%s models=%d verdicts=%d durationMs=%d%s%s",
        request.uid(),
        request.namespace(),
        request.kind(),
        request.name(),
        request.operation(),
        request.dryRun(),
        outcome.decisionLabel(),
        outcome.modelsFound(),
        outcome.verdicts().size(),
        nanos / 1_000_000,
        outcome.skipped().isEmpty() && outcome.modelsFound() == 0 ? " note=\"0 models found\"" : "",
        outcome
            .denial()
            .map(d -> " reasons=\"" + d + "\"")
            .orElse(outcome.skipped().map(s -> " skipped=\"" + s + "\"").orElse("")));
    return Response.ok(
            AdmissionResponseWriter.write(request.apiVersion(), outcome, endpoint.equals("mutate")),
            MediaType.APPLICATION_JSON)
        .build();
  }

  /**
   * The API server's {@code ?timeout=10s}, as a Go duration in seconds; else the configured
   * default.
   */
  private Duration budget(String timeout) {
    if (timeout != null && timeout.matches("\\d{1,3}s")) {
      return Duration.ofSeconds(Long.parseLong(timeout.substring(0, timeout.length() - 1)));
    }
    return config.defaultTimeout();
  }
}
