package dev.modelgate.oci;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.core.UnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Talks the OCI distribution API. Every call has a deadline and every body a size limit; every
 * manifest and blob is checked against the digest it was asked for (the registry is not trusted).
 * Plain HTTP is used only for loopback registries (as Docker does) and hosts listed explicitly.
 * Auth: anonymous, basic, or bearer tokens obtained from the {@code WWW-Authenticate} challenge.
 * Redirects (blob storage) are followed by hand, at most {@value #MAX_REDIRECTS}, without the
 * registry credentials. Thread-safe.
 */
public final class RegistryClient {
  /** Manifests and indexes are small JSON; anything larger is hostile. */
  public static final long MAX_MANIFEST_BYTES = 4L * 1024 * 1024;
  static final int MAX_REDIRECTS = 5;

  /** Closes a blob stream that is still open at its deadline; one thread for all downloads. */
  private static final java.util.concurrent.ScheduledThreadPoolExecutor BLOB_DEADLINES = blobDeadlines();

  private static java.util.concurrent.ScheduledThreadPoolExecutor blobDeadlines() {
    var e = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "modelgate-blob-deadline");
      t.setDaemon(true);
      return t;
    });
    // A finished download cancels its timer; drop it at once rather than hold the stream until then.
    e.setRemoveOnCancelPolicy(true);
    return e;
  }
  static final String ACCEPT_MANIFESTS = String.join(",",
      MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST);

  private final HttpClient http;
  private final RegistryCredentials credentials;
  private final Set<String> plainHttpHosts;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();

  public RegistryClient(RegistryCredentials credentials, Set<String> plainHttpHosts) {
    this(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build(), credentials, plainHttpHosts);
  }

  private RegistryClient(HttpClient http, RegistryCredentials credentials, Set<String> plainHttpHosts) {
    this.http = http;
    this.credentials = credentials;
    this.plainHttpHosts = Set.copyOf(plainHttpHosts);
  }

  /**
   * A client for one workload's credentials: same connections, its own token cache, so a token
   * obtained with one namespace's pull secret is never used for another's request.
   */
  public RegistryClient withCredentials(RegistryCredentials workload) {
    return workload.isEmpty() ? this : new RegistryClient(http, credentials.overriddenBy(workload), plainHttpHosts);
  }

  /** What a manifest fetch returns: the bytes exactly as served (and verified), their digest and type. */
  public record FetchedManifest(OciDigest digest, String mediaType, byte[] bytes) {}

  /** Resolves a tag (or checks a digest) to the manifest digest, fetching and verifying the manifest. */
  public FetchedManifest manifest(OciReference ref, Instant deadline) {
    Response r = send(ref, "GET", "/manifests/" + ref.manifestReference(), Map.of("Accept", ACCEPT_MANIFESTS), null, MAX_MANIFEST_BYTES, deadline);
    expect(r, 200, ref, "manifest " + ref.manifestReference());
    String type = r.header("Content-Type").map(t -> t.split(";")[0].trim()).orElse("");
    OciDigest actual = OciDigest.sha256(r.body);
    if (ref.digest() != null && !ref.digest().matches(r.body)) {
      throw new RegistryException(Reason.REGISTRY_CONTENT_INVALID, 0,
          "registry " + ref.registry() + " served manifest bytes for " + ref.digest() + " whose digest is " + actual);
    }
    Optional<String> claimed = r.header("Docker-Content-Digest");
    if (ref.digest() == null && claimed.isPresent() && !claimed.get().equals(actual.toString())) {
      throw new RegistryException(Reason.REGISTRY_CONTENT_INVALID, 0,
          "registry " + ref.registry() + " says tag " + ref.tag() + " is " + claimed.get() + " but served bytes whose digest is " + actual);
    }
    return new FetchedManifest(ref.digest() != null ? ref.digest() : actual, type, r.body);
  }

  /** A blob, checked against its digest, at most {@code maxBytes}. */
  public byte[] blob(OciReference repo, OciDigest digest, long maxBytes, Instant deadline) {
    Response r = send(repo, "GET", "/blobs/" + digest, Map.of(), null, maxBytes, deadline);
    expect(r, 200, repo, "blob " + digest);
    if (!digest.matches(r.body)) {
      throw new RegistryException(Reason.REGISTRY_CONTENT_INVALID, 0,
          "registry " + repo.registry() + " served bytes for blob " + digest + " whose digest is " + OciDigest.sha256(r.body));
    }
    return r.body;
  }

  /**
   * Streams a blob to {@code sink} (at most {@code maxBytes}), checking its digest at the end; the
   * sink sees the bytes as they arrive and must not trust them until this returns. A registry that
   * stalls mid-body is cut off at the deadline.
   */
  public void streamBlob(OciReference repo, OciDigest digest, long maxBytes, Instant deadline, BlobSink sink) {
    URI uri = URI.create(baseUri(repo) + "/blobs/" + digest);
    for (int redirects = 0; redirects <= MAX_REDIRECTS; redirects++) {
      Duration left = Duration.between(Instant.now(), deadline);
      if (left.isNegative() || left.isZero()) {
        throw new UnavailableException("registry " + repo.registry() + " could not be asked in time for blob " + digest, null);
      }
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(left).GET();
      String token = tokens.get(repo.apiHost() + "|" + repo.repository());
      if (token != null && sendsCredentialsTo(repo, uri)) {
        b.header("Authorization", token);
      }
      HttpResponse<java.io.InputStream> resp;
      try {
        resp = http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream()).get(left.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new UnavailableException("registry " + repo.registry() + " did not answer for blob " + digest + " in time", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnavailableException("interrupted", e);
      } catch (ExecutionException e) {
        throw new UnavailableException("registry " + repo.registry() + " cannot be reached: " + e.getCause(), e.getCause());
      }
      int status = resp.statusCode();
      if (status >= 300 && status < 400) {
        String loc = resp.headers().firstValue("Location").orElse(null);
        closeQuietly(resp.body());
        if (loc == null) {
          throw new RegistryException(Reason.REGISTRY_CONTENT_INVALID, status, "redirect without Location for blob " + digest);
        }
        uri = redirectTarget(repo, uri, loc, status);
        continue;
      }
      if (status != 200) {
        closeQuietly(resp.body());
        expect(new Response(status, resp.headers().map(), new byte[0]), 200, repo, "blob " + digest);
      }
      java.security.MessageDigest md = digest.newHasher();
      java.io.InputStream in = resp.body();
      java.util.concurrent.ScheduledFuture<?> watchdog =
          BLOB_DEADLINES.schedule(() -> closeQuietly(in), Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
      long total = 0;
      byte[] buf = new byte[1 << 16];
      try (in) {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          total += n;
          if (total > maxBytes) {
            throw new RegistryException(Reason.LIMIT_EXCEEDED, 0, "blob " + digest + " is larger than the download limit of " + maxBytes + " bytes");
          }
          md.update(buf, 0, n);
          sink.accept(buf, n);
        }
      } catch (IOException e) {
        if (Instant.now().isAfter(deadline)) {
          throw new UnavailableException("blob " + digest + " from registry " + repo.registry() + " did not arrive before the deadline", e);
        }
        throw new UnavailableException("reading blob " + digest + " from registry " + repo.registry() + " failed: " + e.getMessage(), e);
      } finally {
        watchdog.cancel(false);
      }
      if (!digest.matchesHash(md.digest())) {
        throw new RegistryException(Reason.REGISTRY_CONTENT_INVALID, 0, "registry " + repo.registry() + " served bytes for blob " + digest + " that do not match it");
      }
      sink.finished();
      return;
    }
    throw new RegistryException(Reason.REGISTRY_CONTENT_INVALID, 0, "registry " + repo.registry() + " redirected more than " + MAX_REDIRECTS + " times for blob " + digest);
  }

  /** Receives a streamed blob's bytes. */
  public interface BlobSink {
    void accept(byte[] bytes, int length) throws IOException;

    /** Called once the whole blob arrived and matched its digest. */
    default void finished() {}
  }

  private static void closeQuietly(java.io.InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // Closing is how the deadline stops a read; nothing to report.
    }
  }

  /**
   * The referrers of {@code subject} with the given artifact type: the OCI 1.1 referrers API, or on
   * 404 the {@code sha256-<hex>} tag index; neither means none. Filtered here too, since a registry
   * may ignore the filter.
   */
  public List<Descriptor> referrers(OciReference repo, OciDigest subject, String artifactType, Instant deadline) {
    String query = "?artifactType=" + URLEncoder.encode(artifactType, StandardCharsets.UTF_8);
    Response r = send(repo, "GET", "/referrers/" + subject + query, Map.of("Accept", MediaTypes.OCI_INDEX), null, MAX_MANIFEST_BYTES, deadline);
    byte[] index;
    if (r.status == 200) {
      index = r.body;
    } else if (r.status == 404) {
      Response tag = send(repo, "GET", "/manifests/" + subject.referrersTag(), Map.of("Accept", MediaTypes.OCI_INDEX), null, MAX_MANIFEST_BYTES, deadline);
      if (tag.status == 404) {
        return List.of();
      }
      expect(tag, 200, repo, "referrers tag " + subject.referrersTag());
      index = tag.body;
    } else {
      expect(r, 200, repo, "referrers of " + subject);
      return List.of();
    }
    List<Descriptor> out = new ArrayList<>();
    for (Descriptor d : ManifestParser.indexEntries(index)) {
      if (d.artifactType().equals(artifactType)) {
        out.add(d);
      }
    }
    return out;
  }

  /** Uploads a blob (monolithic POST then PUT) unless the registry has it already. */
  public OciDigest pushBlob(OciReference repo, byte[] content, Instant deadline) {
    OciDigest d = OciDigest.sha256(content);
    upload(repo, d, HttpRequest.BodyPublishers.ofByteArray(content), "blob " + d, deadline);
    return d;
  }

  /** Uploads a file as a blob whose digest the caller computed, streaming it (models are large). */
  public void pushBlob(OciReference repo, OciDigest digest, java.nio.file.Path file, Instant deadline) {
    HttpRequest.BodyPublisher body;
    try {
      body = HttpRequest.BodyPublishers.ofFile(file);
    } catch (java.io.FileNotFoundException e) {
      throw new InvalidInputException(Reason.NOT_FOUND, "cannot upload " + file + ": no such file");
    }
    upload(repo, digest, body, "blob " + digest + " (" + file.getFileName() + ")", deadline);
  }

  /**
   * POST then PUT to the upload location. The location may name another host (registries hand
   * uploads to their storage); the PUT goes through {@link #sendUri}, so credentials follow only
   * to the registry's own scheme, host and port.
   */
  private void upload(OciReference repo, OciDigest digest, HttpRequest.BodyPublisher body, String what, Instant deadline) {
    Response head = send(repo, "HEAD", "/blobs/" + digest, Map.of(), null, 0, deadline);
    if (head.status == 200) {
      return;
    }
    Response start = send(repo, "POST", "/blobs/uploads/", Map.of(), new byte[0], 64 * 1024, deadline);
    expect(start, 202, repo, "blob upload");
    String location = start.header("Location").orElseThrow(() -> new RegistryException(Reason.REGISTRY_CONTENT_INVALID, 202, "blob upload gave no Location"));
    URI upload;
    try {
      upload = baseUri(repo).resolve(location);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(Reason.REGISTRY_CONTENT_INVALID, 202, "registry " + repo.registry() + " gave a malformed upload Location: " + e.getMessage());
    }
    URI put = URI.create(upload + (upload.getQuery() == null ? "?" : "&") + "digest=" + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8));
    Response r = sendUri(repo, "PUT", put, Map.of("Content-Type", "application/octet-stream"), body, 64 * 1024, deadline, 0);
    expect(r, 201, repo, what);
  }

  /** An index stored under a tag (the referrers fallback), or empty when the tag does not exist. */
  public Optional<byte[]> indexAtTag(OciReference repo, String tag, Instant deadline) {
    Response r = send(repo, "GET", "/manifests/" + tag, Map.of("Accept", MediaTypes.OCI_INDEX), null, MAX_MANIFEST_BYTES, deadline);
    if (r.status == 404) {
      return Optional.empty();
    }
    expect(r, 200, repo, "index " + tag);
    return Optional.of(r.body);
  }

  /** Stores a manifest or index under a tag or digest; returns its digest. */
  public OciDigest pushManifest(OciReference repo, String reference, byte[] manifest, String mediaType, Instant deadline) {
    Response r = send(repo, "PUT", "/manifests/" + reference, Map.of("Content-Type", mediaType), manifest, 64 * 1024, deadline);
    expect(r, 201, repo, "manifest " + reference);
    return OciDigest.sha256(manifest);
  }

  private void expect(Response r, int wanted, OciReference ref, String what) {
    if (r.status == wanted) {
      return;
    }
    String where = "registry " + ref.registry() + " (" + ref.repository() + ")";
    switch (r.status) {
      case 401:
      case 403:
        throw new RegistryException(Reason.REGISTRY_DENIED, r.status, where + " refused access to " + what + " (HTTP " + r.status + ")");
      case 404:
        throw new RegistryException(Reason.NOT_FOUND, r.status, where + " has no " + what);
      case 429:
        throw new UnavailableException(where + " is rate-limiting requests (HTTP 429) for " + what, null);
      default:
        if (r.status >= 500) {
          throw new UnavailableException(where + " failed with HTTP " + r.status + " for " + what, null);
        }
        throw new RegistryException(Reason.REGISTRY_CONTENT_INVALID, r.status, where + " answered HTTP " + r.status + " for " + what);
    }
  }

  /** Credentials go to the registry itself only (same scheme, host and port), never to a storage host it redirects to. */
  private boolean sendsCredentialsTo(OciReference ref, URI uri) {
    URI base = baseUri(ref);
    return base.getScheme().equals(uri.getScheme()) && uri.getHost() != null && base.getHost().equalsIgnoreCase(uri.getHost()) && base.getPort() == uri.getPort();
  }

  /** Where a redirect leads; HTTPS may only lead to HTTPS, plain HTTP (loopback or asked for) to either. */
  private static URI redirectTarget(OciReference ref, URI from, String location, int status) {
    URI next;
    try {
      next = from.resolve(location);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(Reason.REGISTRY_CONTENT_INVALID, status, "registry " + ref.registry() + " redirected to a malformed Location: " + e.getMessage());
    }
    String scheme = next.getScheme() == null ? "" : next.getScheme();
    if (!scheme.equals("https") && !(scheme.equals("http") && from.getScheme().equals("http"))) {
      throw new RegistryException(Reason.REGISTRY_CONTENT_INVALID, status, "registry " + ref.registry() + " redirected from " + from.getScheme() + " to " + (scheme.isEmpty() ? "no scheme" : scheme));
    }
    return next;
  }

  private URI baseUri(OciReference ref) {
    boolean plain = ref.isLoopback() || plainHttpHosts.contains(ref.registry());
    return URI.create((plain ? "http://" : "https://") + ref.apiHost() + "/v2/" + ref.repository());
  }

  private Response send(OciReference ref, String method, String path, Map<String, String> headers, byte[] body, long maxBytes, Instant deadline) {
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
    return sendUri(ref, method, URI.create(baseUri(ref) + path), headers, publisher, maxBytes, deadline, 0);
  }

  /** Every request to a registry goes through here: credentials only to its own origin, redirects by {@link #redirectTarget}. */
  private Response sendUri(OciReference ref, String method, URI uri, Map<String, String> headers, HttpRequest.BodyPublisher body, long maxBytes, Instant deadline, int redirects) {
    String scopeKey = ref.apiHost() + "|" + ref.repository();
    boolean sameHost = sendsCredentialsTo(ref, uri);
    Response r = exchange(method, uri, headers, body, maxBytes, deadline, sameHost ? tokens.get(scopeKey) : null, ref);
    if (r.status == 401 && sameHost) {
      String auth = authorize(ref, r, deadline);
      if (auth != null) {
        tokens.put(scopeKey, auth);
        r = exchange(method, uri, headers, body, maxBytes, deadline, auth, ref);
      }
    }
    if (r.status >= 300 && r.status < 400 && r.status != 304) {
      if (redirects >= MAX_REDIRECTS) {
        throw new RegistryException(Reason.REGISTRY_CONTENT_INVALID, r.status, "registry " + ref.registry() + " redirected more than " + MAX_REDIRECTS + " times (" + uri.getPath() + ")");
      }
      URI next = redirectTarget(ref, uri, r.header("Location").orElseThrow(() -> new RegistryException(Reason.REGISTRY_CONTENT_INVALID, 0, "redirect without Location")), r.status);
      return sendUri(ref, method, next, headers, body, maxBytes, deadline, redirects + 1);
    }
    return r;
  }

  /** Answers a 401 challenge: Basic with known credentials, or a Bearer token from the realm. */
  private String authorize(OciReference ref, Response challenge, Instant deadline) {
    String header = challenge.header("WWW-Authenticate").orElse("");
    Optional<String> basic = credentials.basicAuth(ref.apiHost());
    if (header.regionMatches(true, 0, "Basic", 0, 5)) {
      return basic.orElse(null);
    }
    Optional<URI> tokenUri = AuthChallenge.bearerTokenUri(header, ref);
    if (tokenUri.isEmpty()) {
      return null;
    }
    Map<String, String> h = new HashMap<>();
    basic.ifPresent(b -> h.put("Authorization", b));
    Response t = exchange("GET", tokenUri.get(), h, HttpRequest.BodyPublishers.noBody(), 1024 * 1024, deadline, null, ref);
    return t.status == 200 ? AuthChallenge.bearerToken(t.body).map(tok -> "Bearer " + tok).orElse(null) : null;
  }

  private Response exchange(String method, URI uri, Map<String, String> headers, HttpRequest.BodyPublisher body, long maxBytes, Instant deadline, String auth, OciReference ref) {
    Duration left = Duration.between(Instant.now(), deadline);
    if (left.isNegative() || left.isZero()) {
      throw new UnavailableException("registry " + ref.registry() + " could not be asked in time (deadline passed before " + method + " " + uri.getPath() + ")", null);
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(left)
        .method(method, body);
    headers.forEach(b::header);
    if (auth != null) {
      b.header("Authorization", auth);
    }
    var future = http.sendAsync(b.build(), method.equals("HEAD") ? info -> new LimitedBody(0) : LimitedBody.handler(maxBytes));
    try {
      HttpResponse<byte[]> resp = future.get(left.toMillis(), TimeUnit.MILLISECONDS);
      return new Response(resp.statusCode(), resp.headers().map(), resp.body() == null ? new byte[0] : resp.body());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new UnavailableException("registry " + ref.registry() + " did not answer " + method + " " + uri.getPath() + " within " + left.toMillis() + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while asking registry " + ref.registry(), e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof LimitedBody.TooLargeException) {
        throw new RegistryException(Reason.LIMIT_EXCEEDED, 0,
            "registry " + ref.registry() + " sent more than " + ((LimitedBody.TooLargeException) c).max + " bytes for " + uri.getPath());
      }
      throw new UnavailableException("registry " + ref.registry() + " cannot be reached: " + c, c);
    }
  }

  private record Response(int status, Map<String, List<String>> headers, byte[] body) {
    Optional<String> header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return Optional.of(e.getValue().get(0));
        }
      }
      return Optional.empty();
    }
  }
}
