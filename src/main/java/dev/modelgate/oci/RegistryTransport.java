package dev.modelgate.oci;

import dev.modelgate.core.Reason;
import dev.modelgate.core.UnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The one way ModelGate talks to a registry: every request (manifests, blobs, streamed blobs,
 * referrers, uploads, token exchange) goes through {@link #send} or {@link #open}, which own
 *
 * <ul>
 *   <li>the scheme: plain HTTP only for loopback registries (as Docker does) and hosts listed;
 *   <li>authentication: anonymous, Basic, or a Bearer token from the {@code WWW-Authenticate}
 *       challenge, cached per registry and repository;
 *   <li>where credentials go: the registry's own scheme, host and port only, never a redirect or
 *       upload target elsewhere (DESIGN.md section 7);
 *   <li>redirects: followed by hand, at most {@value #MAX_REDIRECTS}, never from HTTPS to HTTP;
 *   <li>the deadline of every call, and a size limit on every body read whole.
 * </ul>
 *
 * Thread-safe.
 */
final class RegistryTransport {
  static final int MAX_REDIRECTS = 5;

  /** Token responses are small JSON. */
  private static final long MAX_TOKEN_BYTES = 1024 * 1024;

  private final HttpClient http;
  private final RegistryCredentials credentials;
  private final Set<String> plainHttpHosts;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private final RegistryPoliteness politeness;

  RegistryTransport(
      RegistryCredentials credentials, Set<String> plainHttpHosts, RegistryPoliteness politeness) {
    this(
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build(),
        credentials,
        plainHttpHosts,
        politeness);
  }

  private RegistryTransport(
      HttpClient http,
      RegistryCredentials credentials,
      Set<String> plainHttpHosts,
      RegistryPoliteness politeness) {
    this.http = http;
    this.credentials = credentials;
    this.plainHttpHosts = Set.copyOf(plainHttpHosts);
    this.politeness = politeness;
  }

  /** Same connections and limits, other credentials, and a token cache of its own. */
  RegistryTransport withCredentials(RegistryCredentials workload) {
    return workload.isEmpty()
        ? this
        : new RegistryTransport(
            http, credentials.overriddenBy(workload), plainHttpHosts, politeness);
  }

  /** A response read whole (within its size limit). */
  record Response(int status, Map<String, List<String>> headers, byte[] body) {
    Optional<String> header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return Optional.of(e.getValue().get(0));
        }
      }
      return Optional.empty();
    }
  }

  /** {@code /v2/<repository>} of the registry, in the scheme it is spoken to. */
  URI repositoryUri(OciReference ref) {
    boolean plain = ref.isLoopback() || plainHttpHosts.contains(ref.registry());
    return URI.create((plain ? "http://" : "https://") + ref.apiHost() + "/v2/" + ref.repository());
  }

  /**
   * A request to {@code path} below the repository, its answer read whole, at most {@code
   * maxBytes}.
   */
  Response send(
      OciReference ref,
      String method,
      String path,
      Map<String, String> headers,
      byte[] body,
      long maxBytes,
      Instant deadline) {
    BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body);
    return send(
        ref, method, URI.create(repositoryUri(ref) + path), headers, publisher, maxBytes, deadline);
  }

  /**
   * A request to any {@code uri} on behalf of {@code ref} (an upload location), its answer read
   * whole.
   */
  Response send(
      OciReference ref,
      String method,
      URI uri,
      Map<String, String> headers,
      BodyPublisher body,
      long maxBytes,
      Instant deadline) {
    BodyHandler<byte[]> handler =
        method.equals("HEAD") ? info -> new LimitedBody(0) : LimitedBody.handler(maxBytes);
    HttpResponse<byte[]> r = follow(ref, method, uri, headers, body, handler, b -> {}, deadline, 0);
    return new Response(
        r.statusCode(), r.headers().map(), r.body() == null ? new byte[0] : r.body());
  }

  /**
   * A GET whose body the caller streams (and must close). Redirects and the auth challenge are
   * handled as for {@link #send}; the caller still bounds the body and its reading time.
   */
  HttpResponse<InputStream> open(OciReference ref, String path, Instant deadline) {
    URI uri = URI.create(repositoryUri(ref) + path);
    return follow(
        ref,
        "GET",
        uri,
        Map.of(),
        HttpRequest.BodyPublishers.noBody(),
        HttpResponse.BodyHandlers.ofInputStream(),
        RegistryTransport::closeQuietly,
        deadline,
        0);
  }

  static void closeQuietly(InputStream in) {
    try {
      if (in != null) {
        in.close();
      }
    } catch (IOException e) {
      // Closing is how a deadline stops a read, or how an unwanted body is dropped; nothing to
      // report.
    }
  }

  /** The status a caller wanted, or the registry's refusal as a typed exception. */
  static void expect(Response r, int wanted, OciReference ref, String what) {
    expect(r.status(), wanted, ref, what);
  }

  static void expect(int status, int wanted, OciReference ref, String what) {
    if (status == wanted) {
      return;
    }
    String where = "registry " + ref.registry() + " (" + ref.repository() + ")";
    switch (status) {
      case 401:
      case 403:
        throw new RegistryException(
            Reason.REGISTRY_DENIED,
            status,
            where + " refused access to " + what + " (HTTP " + status + ")");
      case 404:
        throw new RegistryException(Reason.NOT_FOUND, status, where + " has no " + what);
      case 429:
        throw new UnavailableException(
            where + " is rate-limiting requests (HTTP 429) for " + what, null);
      default:
        if (status >= 500) {
          throw new UnavailableException(
              where + " failed with HTTP " + status + " for " + what, null);
        }
        throw new RegistryException(
            Reason.REGISTRY_CONTENT_INVALID,
            status,
            where + " answered HTTP " + status + " for " + what);
    }
  }

  private <T> HttpResponse<T> follow(
      OciReference ref,
      String method,
      URI uri,
      Map<String, String> headers,
      BodyPublisher body,
      BodyHandler<T> handler,
      Consumer<T> discard,
      Instant deadline,
      int redirects) {
    String scope = scopeKey(ref);
    boolean own = sendsCredentialsTo(ref, uri);
    HttpResponse<T> r =
        exchange(
            method,
            uri,
            headers,
            body,
            handler,
            discard,
            deadline,
            own ? tokens.get(scope) : null,
            ref);
    if (r.statusCode() == 401 && own) {
      String auth = authorize(ref, r.headers().firstValue("WWW-Authenticate").orElse(""), deadline);
      if (auth != null) {
        discard.accept(r.body());
        tokens.put(scope, auth);
        r = exchange(method, uri, headers, body, handler, discard, deadline, auth, ref);
      }
    }
    int status = r.statusCode();
    if (status >= 300 && status < 400 && status != 304) {
      discard.accept(r.body());
      if (redirects >= MAX_REDIRECTS) {
        throw new RegistryException(
            Reason.REGISTRY_CONTENT_INVALID,
            status,
            "registry "
                + ref.registry()
                + " redirected more than "
                + MAX_REDIRECTS
                + " times ("
                + uri.getPath()
                + ")");
      }
      String location =
          r.headers()
              .firstValue("Location")
              .orElseThrow(
                  () ->
                      new RegistryException(
                          Reason.REGISTRY_CONTENT_INVALID,
                          status,
                          "registry " + ref.registry() + " redirected without a Location"));
      return follow(
          ref,
          method,
          redirectTarget(ref, uri, location, status),
          headers,
          body,
          handler,
          discard,
          deadline,
          redirects + 1);
    }
    return r;
  }

  /** Tokens are per registry and repository: a pull token for one repository is not another's. */
  private static String scopeKey(OciReference ref) {
    return ref.apiHost() + "|" + ref.repository();
  }

  /**
   * Credentials go to the registry itself only (same scheme, host and port), never to a storage
   * host it redirects to.
   */
  private boolean sendsCredentialsTo(OciReference ref, URI uri) {
    URI base = repositoryUri(ref);
    return base.getScheme().equals(uri.getScheme())
        && uri.getHost() != null
        && base.getHost().equalsIgnoreCase(uri.getHost())
        && base.getPort() == uri.getPort();
  }

  /**
   * Where a redirect leads; HTTPS may only lead to HTTPS, plain HTTP (loopback or asked for) to
   * either.
   */
  private static URI redirectTarget(OciReference ref, URI from, String location, int status) {
    URI next;
    try {
      next = from.resolve(location);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          Reason.REGISTRY_CONTENT_INVALID,
          status,
          "registry " + ref.registry() + " redirected to a malformed Location: " + e.getMessage());
    }
    String scheme = next.getScheme() == null ? "" : next.getScheme();
    if (!scheme.equals("https") && !(scheme.equals("http") && from.getScheme().equals("http"))) {
      throw new RegistryException(
          Reason.REGISTRY_CONTENT_INVALID,
          status,
          "registry "
              + ref.registry()
              + " redirected from "
              + from.getScheme()
              + " to "
              + (scheme.isEmpty() ? "no scheme" : scheme));
    }
    return next;
  }

  /** Answers a 401 challenge: Basic with known credentials, or a Bearer token from the realm. */
  private String authorize(OciReference ref, String challenge, Instant deadline) {
    Optional<String> basic = credentials.basicAuth(ref.apiHost());
    if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
      return basic.orElse(null);
    }
    Optional<URI> tokenUri = AuthChallenge.bearerTokenUri(challenge, ref);
    if (tokenUri.isEmpty()) {
      return null;
    }
    Map<String, String> h = new HashMap<>();
    basic.ifPresent(b -> h.put("Authorization", b));
    HttpResponse<byte[]> t =
        exchange(
            "GET",
            tokenUri.get(),
            h,
            HttpRequest.BodyPublishers.noBody(),
            LimitedBody.handler(MAX_TOKEN_BYTES),
            b -> {},
            deadline,
            null,
            ref);
    return t.statusCode() == 200
        ? AuthChallenge.bearerToken(t.body()).map(tok -> "Bearer " + tok).orElse(null)
        : null;
  }

  /**
   * One request, retried while the registry throttles it (429, 503) and its Retry-After (or a
   * jittered backoff) still ends before the deadline; each attempt holds one of the registry's
   * in-flight permits until its response headers (or whole body) arrive.
   */
  private <T> HttpResponse<T> exchange(
      String method,
      URI uri,
      Map<String, String> headers,
      BodyPublisher body,
      BodyHandler<T> handler,
      Consumer<T> discard,
      Instant deadline,
      String auth,
      OciReference ref) {
    for (int attempt = 1; ; attempt++) {
      HttpResponse<T> r = once(method, uri, headers, body, handler, deadline, auth, ref);
      Optional<Duration> wait =
          politeness.retryAfter(
              r.statusCode(), r.headers().firstValue("Retry-After"), attempt, deadline);
      if (wait.isEmpty()) {
        return r;
      }
      discard.accept(r.body());
      politeness.sleep(wait.get(), ref.registry());
    }
  }

  private <T> HttpResponse<T> once(
      String method,
      URI uri,
      Map<String, String> headers,
      BodyPublisher body,
      BodyHandler<T> handler,
      Instant deadline,
      String auth,
      OciReference ref) {
    try (RegistryPoliteness.Permit permit = politeness.acquire(ref.registry(), deadline)) {
      Duration left = Duration.between(Instant.now(), deadline);
      if (left.isNegative() || left.isZero()) {
        throw new UnavailableException(
            "registry "
                + ref.registry()
                + " could not be asked in time (deadline passed before "
                + method
                + " "
                + uri.getPath()
                + ")",
            null);
      }
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(left).method(method, body);
      headers.forEach(b::header);
      if (auth != null) {
        b.header("Authorization", auth);
      }
      CompletableFuture<HttpResponse<T>> future = http.sendAsync(b.build(), handler);
      try {
        HttpResponse<T> r = future.get(left.toMillis(), TimeUnit.MILLISECONDS);
        politeness.answered(ref.registry(), Integer.toString(r.statusCode()));
        return r;
      } catch (TimeoutException e) {
        future.cancel(true);
        throw timedOut(ref, method, uri, left, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnavailableException("interrupted while asking registry " + ref.registry(), e);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof LimitedBody.TooLargeException) {
          politeness.answered(ref.registry(), "too_large");
          throw new RegistryException(
              Reason.LIMIT_EXCEEDED,
              0,
              "registry "
                  + ref.registry()
                  + " sent more than "
                  + ((LimitedBody.TooLargeException) c).max
                  + " bytes for "
                  + uri.getPath());
        }
        if (c instanceof HttpTimeoutException && !(c instanceof HttpConnectTimeoutException)) {
          // The request's own timeout (the same deadline) can fire before future.get's: one answer
          // for both.
          throw timedOut(ref, method, uri, left, c);
        }
        politeness.answered(ref.registry(), "error");
        throw new UnavailableException(
            "registry " + ref.registry() + " cannot be reached: " + inWords(c), c);
      }
    }
  }

  /** The registry did not answer within the deadline: counted once and said in one way. */
  private UnavailableException timedOut(
      OciReference ref, String method, URI uri, Duration left, Throwable cause) {
    politeness.answered(ref.registry(), "timeout");
    return new UnavailableException(
        "registry "
            + ref.registry()
            + " did not answer "
            + method
            + " "
            + uri.getPath()
            + " within "
            + left.toMillis()
            + " ms",
        cause);
  }

  /** A network failure as a person would say it, never as a Java class name. */
  static String inWords(Throwable c) {
    String detail =
        c.getMessage() == null || c.getMessage().isBlank() ? "" : " (" + c.getMessage() + ")";
    if (c instanceof ConnectException
        && (c.getCause() instanceof UnresolvedAddressException
            || c.getCause() instanceof UnknownHostException)) {
      // java.net.http reports an unknown host as a ConnectException around the resolver's failure.
      return inWords(c.getCause());
    }
    if (c instanceof ConnectException) {
      return "connection refused" + detail;
    }
    if (c instanceof UnknownHostException || c instanceof UnresolvedAddressException) {
      return "the host name does not resolve" + detail;
    }
    if (c instanceof HttpConnectTimeoutException) {
      return "connecting timed out";
    }
    if (c instanceof HttpTimeoutException) {
      return "the request timed out";
    }
    if (c instanceof SSLHandshakeException) {
      return "the TLS handshake failed" + detail;
    }
    if (c instanceof SSLException) {
      return "TLS failed" + detail;
    }
    if (c instanceof IOException) {
      return detail.isEmpty() ? "the connection failed" : c.getMessage();
    }
    return detail.isEmpty()
        ? "an unexpected network error"
        : "an unexpected network error" + detail;
  }
}
