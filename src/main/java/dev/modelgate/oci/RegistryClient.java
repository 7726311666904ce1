package dev.modelgate.oci;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.core.UnavailableException;
import dev.modelgate.oci.RegistryTransport.Response;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The OCI distribution API calls ModelGate makes: manifests, blobs (whole or streamed), referrers,
 * uploads. Every manifest and blob is checked against the digest it was asked for (the registry is
 * not trusted). Transport concerns (scheme, authentication, where credentials may go, redirects,
 * deadlines, size limits) belong to {@link RegistryTransport}, which every call goes through.
 * Thread-safe.
 */
public final class RegistryClient {
  /** Manifests and indexes are small JSON; anything larger is hostile. */
  public static final long MAX_MANIFEST_BYTES = 4L * 1024 * 1024;

  /** Closes a blob stream that is still open at its deadline; one thread for all downloads. */
  private static final ScheduledThreadPoolExecutor BLOB_DEADLINES = blobDeadlines();

  private static ScheduledThreadPoolExecutor blobDeadlines() {
    var e =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "modelgate-blob-deadline");
              t.setDaemon(true);
              return t;
            });
    // A finished download cancels its timer; drop it at once rather than hold the stream until
    // then.
    e.setRemoveOnCancelPolicy(true);
    return e;
  }

  static final String ACCEPT_MANIFESTS =
      String.join(
          ",",
          MediaTypes.OCI_MANIFEST,
          MediaTypes.OCI_INDEX,
          MediaTypes.DOCKER_MANIFEST,
          MediaTypes.DOCKER_MANIFEST_LIST);

  private final RegistryTransport transport;

  public RegistryClient(RegistryCredentials credentials, Set<String> plainHttpHosts) {
    this(credentials, plainHttpHosts, RegistryPoliteness.standard());
  }

  /** With the given limits on concurrency and retries, and their counts reported. */
  public RegistryClient(
      RegistryCredentials credentials, Set<String> plainHttpHosts, RegistryPoliteness politeness) {
    this(new RegistryTransport(credentials, plainHttpHosts, politeness));
  }

  private RegistryClient(RegistryTransport transport) {
    this.transport = transport;
  }

  /**
   * A client for one workload's credentials: same connections, its own token cache, so a token
   * obtained with one namespace's pull secret is never used for another's request.
   */
  public RegistryClient withCredentials(RegistryCredentials workload) {
    RegistryTransport scoped = transport.withCredentials(workload);
    return scoped == transport ? this : new RegistryClient(scoped);
  }

  /**
   * What a manifest fetch returns: the bytes exactly as served (and verified), their digest and
   * type.
   */
  public record FetchedManifest(OciDigest digest, String mediaType, byte[] bytes) {}

  /**
   * Resolves a tag (or checks a digest) to the manifest digest, fetching and verifying the
   * manifest.
   */
  public FetchedManifest manifest(OciReference ref, Instant deadline) {
    Response r = getManifest(ref, deadline);
    expect(r, 200, ref, "manifest " + ref.manifestReference());
    return checked(ref, r);
  }

  /** As {@link #manifest}, but empty when the registry has no such manifest (404). */
  public Optional<FetchedManifest> manifestIfPresent(OciReference ref, Instant deadline) {
    Response r = getManifest(ref, deadline);
    if (r.status() == 404) {
      return Optional.empty();
    }
    expect(r, 200, ref, "manifest " + ref.manifestReference());
    return Optional.of(checked(ref, r));
  }

  private Response getManifest(OciReference ref, Instant deadline) {
    return send(
        ref,
        "GET",
        "/manifests/" + ref.manifestReference(),
        Map.of("Accept", ACCEPT_MANIFESTS),
        null,
        MAX_MANIFEST_BYTES,
        deadline);
  }

  /** The served manifest, checked against the digest asked for or the one the registry claims. */
  private static FetchedManifest checked(OciReference ref, Response r) {
    String type = r.header("Content-Type").map(t -> t.split(";")[0].trim()).orElse("");
    OciDigest actual = OciDigest.sha256(r.body());
    if (ref.digest() != null && !ref.digest().matches(r.body())) {
      throw new RegistryException(
          Reason.REGISTRY_CONTENT_INVALID,
          0,
          "registry "
              + ref.registry()
              + " served manifest bytes for "
              + ref.digest()
              + " whose digest is "
              + actual);
    }
    Optional<String> claimed = r.header("Docker-Content-Digest");
    if (ref.digest() == null && claimed.isPresent() && !claimed.get().equals(actual.toString())) {
      throw new RegistryException(
          Reason.REGISTRY_CONTENT_INVALID,
          0,
          "registry "
              + ref.registry()
              + " says tag "
              + ref.tag()
              + " is "
              + claimed.get()
              + " but served bytes whose digest is "
              + actual);
    }
    return new FetchedManifest(ref.digest() != null ? ref.digest() : actual, type, r.body());
  }

  /** A blob, checked against its digest, at most {@code maxBytes}. */
  public byte[] blob(OciReference repo, OciDigest digest, long maxBytes, Instant deadline) {
    Response r = send(repo, "GET", "/blobs/" + digest, Map.of(), null, maxBytes, deadline);
    expect(r, 200, repo, "blob " + digest);
    if (!digest.matches(r.body())) {
      throw new RegistryException(
          Reason.REGISTRY_CONTENT_INVALID,
          0,
          "registry "
              + repo.registry()
              + " served bytes for blob "
              + digest
              + " whose digest is "
              + OciDigest.sha256(r.body()));
    }
    return r.body();
  }

  /**
   * Streams a blob to {@code sink} (at most {@code maxBytes}), checking its digest at the end; the
   * sink sees the bytes as they arrive and must not trust them until this returns. A registry that
   * stalls mid-body is cut off at the deadline.
   */
  public void streamBlob(
      OciReference repo, OciDigest digest, long maxBytes, Instant deadline, BlobSink sink) {
    HttpResponse<InputStream> resp = transport.open(repo, "/blobs/" + digest, deadline);
    if (resp.statusCode() != 200) {
      RegistryTransport.closeQuietly(resp.body());
      RegistryTransport.expect(resp.statusCode(), 200, repo, "blob " + digest);
    }
    MessageDigest md = digest.newHasher();
    InputStream in = resp.body();
    ScheduledFuture<?> watchdog =
        BLOB_DEADLINES.schedule(
            () -> RegistryTransport.closeQuietly(in),
            Math.max(1, Duration.between(Instant.now(), deadline).toMillis()),
            TimeUnit.MILLISECONDS);
    long total = 0;
    byte[] buf = new byte[1 << 16];
    try (in) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        total += n;
        if (total > maxBytes) {
          throw new RegistryException(
              Reason.LIMIT_EXCEEDED,
              0,
              "blob " + digest + " is larger than the download limit of " + maxBytes + " bytes");
        }
        md.update(buf, 0, n);
        sink.accept(buf, n);
      }
    } catch (IOException e) {
      if (Instant.now().isAfter(deadline)) {
        throw new UnavailableException(
            "blob "
                + digest
                + " from registry "
                + repo.registry()
                + " did not arrive before the deadline",
            e);
      }
      throw new UnavailableException(
          "reading blob "
              + digest
              + " from registry "
              + repo.registry()
              + " failed: "
              + RegistryTransport.inWords(e),
          e);
    } finally {
      watchdog.cancel(false);
    }
    if (!digest.matchesHash(md.digest())) {
      throw new RegistryException(
          Reason.REGISTRY_CONTENT_INVALID,
          0,
          "registry "
              + repo.registry()
              + " served bytes for blob "
              + digest
              + " that do not match it");
    }
    sink.finished();
  }

  /** Receives a streamed blob's bytes. */
  public interface BlobSink {
    void accept(byte[] bytes, int length) throws IOException;

    /** Called once the whole blob arrived and matched its digest. */
    default void finished() {}
  }

  /**
   * The OCI 1.1 referrers API's index of all of {@code subject}'s referrers (distribution-spec
   * "Listing Referrers"; unfiltered, since the signatures ModelGate reads come in more than one
   * artifact type), or empty when the registry has no referrers API (404). {@link
   * ReferrerDiscovery} falls back to the tag schema then.
   */
  public Optional<byte[]> referrersIndex(OciReference repo, OciDigest subject, Instant deadline) {
    Response r =
        send(
            repo,
            "GET",
            "/referrers/" + subject,
            Map.of("Accept", MediaTypes.OCI_INDEX),
            null,
            MAX_MANIFEST_BYTES,
            deadline);
    if (r.status() == 404) {
      return Optional.empty();
    }
    expect(r, 200, repo, "referrers of " + subject);
    return Optional.of(r.body());
  }

  /** Uploads a blob (monolithic POST then PUT) unless the registry has it already. */
  public OciDigest pushBlob(OciReference repo, byte[] content, Instant deadline) {
    OciDigest d = OciDigest.sha256(content);
    upload(repo, d, HttpRequest.BodyPublishers.ofByteArray(content), "blob " + d, deadline);
    return d;
  }

  /** Uploads a file as a blob whose digest the caller computed, streaming it (models are large). */
  public void pushBlob(OciReference repo, OciDigest digest, Path file, Instant deadline) {
    HttpRequest.BodyPublisher body;
    try {
      body = HttpRequest.BodyPublishers.ofFile(file);
    } catch (FileNotFoundException e) {
      throw new InvalidInputException(Reason.NOT_FOUND, "cannot upload " + file + ": no such file");
    }
    upload(repo, digest, body, "blob " + digest + " (" + file.getFileName() + ")", deadline);
  }

  /**
   * POST then PUT to the upload location. The location may name another host (registries hand
   * uploads to their storage); the transport sends credentials only to the registry's own scheme,
   * host and port.
   */
  private void upload(
      OciReference repo,
      OciDigest digest,
      HttpRequest.BodyPublisher body,
      String what,
      Instant deadline) {
    Response head = send(repo, "HEAD", "/blobs/" + digest, Map.of(), null, 0, deadline);
    if (head.status() == 200) {
      return;
    }
    Response start =
        send(repo, "POST", "/blobs/uploads/", Map.of(), new byte[0], 64 * 1024, deadline);
    expect(start, 202, repo, "blob upload");
    String location =
        start
            .header("Location")
            .orElseThrow(
                () ->
                    new RegistryException(
                        Reason.REGISTRY_CONTENT_INVALID, 202, "blob upload gave no Location"));
    URI upload;
    try {
      upload = transport.repositoryUri(repo).resolve(location);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          Reason.REGISTRY_CONTENT_INVALID,
          202,
          "registry " + repo.registry() + " gave a malformed upload Location: " + e.getMessage());
    }
    URI put =
        URI.create(
            upload
                + (upload.getQuery() == null ? "?" : "&")
                + "digest="
                + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8));
    Response r =
        transport.send(
            repo,
            "PUT",
            put,
            Map.of("Content-Type", "application/octet-stream"),
            body,
            64 * 1024,
            deadline);
    expect(r, 201, repo, what);
  }

  /** An index stored under a tag (the referrers fallback), or empty when the tag does not exist. */
  public Optional<byte[]> indexAtTag(OciReference repo, String tag, Instant deadline) {
    Response r =
        send(
            repo,
            "GET",
            "/manifests/" + tag,
            Map.of("Accept", MediaTypes.OCI_INDEX),
            null,
            MAX_MANIFEST_BYTES,
            deadline);
    if (r.status() == 404) {
      return Optional.empty();
    }
    expect(r, 200, repo, "index " + tag);
    return Optional.of(r.body());
  }

  /** Stores a manifest or index under a tag or digest; returns its digest. */
  public OciDigest pushManifest(
      OciReference repo, String reference, byte[] manifest, String mediaType, Instant deadline) {
    Response r =
        send(
            repo,
            "PUT",
            "/manifests/" + reference,
            Map.of("Content-Type", mediaType),
            manifest,
            64 * 1024,
            deadline);
    expect(r, 201, repo, "manifest " + reference);
    return OciDigest.sha256(manifest);
  }

  private Response send(
      OciReference ref,
      String method,
      String path,
      Map<String, String> headers,
      byte[] body,
      long maxBytes,
      Instant deadline) {
    return transport.send(ref, method, path, headers, body, maxBytes, deadline);
  }

  private static void expect(Response r, int wanted, OciReference ref, String what) {
    RegistryTransport.expect(r, wanted, ref, what);
  }
}
