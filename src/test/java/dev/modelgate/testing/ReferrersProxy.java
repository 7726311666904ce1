package dev.modelgate.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.modelgate.core.StrictJson;
import dev.modelgate.oci.MediaTypes;
import dev.modelgate.oci.OciDigest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The OCI 1.1 referrers API in front of a real registry that has none (Debian's docker-registry
 * 2.8.2, oci-models.md section 6): {@code GET /v2/<name>/referrers/<digest>} is answered from what
 * the test lists, every other request is passed to the registry unchanged. Records each request
 * ("GET /v2/…"), so a test can count the blobs a verification fetched.
 */
public final class ReferrersProxy implements AutoCloseable {
  private final HttpServer server;
  private final String upstream;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, List<Map<String, Object>>> referrers = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  public final String host;

  public ReferrersProxy(String upstreamHost) throws IOException {
    this.upstream = "http://" + upstreamHost;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::answer);
    server.start();
    host = "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Lists a referrer of {@code subject} in repository {@code name}, as a registry lists one. */
  public void list(
      String name, OciDigest subject, OciDigest referrer, long size, String artifactType) {
    referrers
        .computeIfAbsent("/v2/" + name + "/referrers/" + subject, k -> new ArrayList<>())
        .add(
            Map.of(
                "mediaType",
                MediaTypes.OCI_MANIFEST,
                "digest",
                referrer.toString(),
                "size",
                size,
                "artifactType",
                artifactType));
  }

  /** The requests seen so far, as "METHOD path". */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** The digests of the blobs fetched with GET so far. */
  public List<String> blobsFetched() {
    return requests.stream()
        .filter(r -> r.startsWith("GET ") && r.contains("/blobs/"))
        .map(r -> r.substring(r.lastIndexOf('/') + 1))
        .toList();
  }

  private void answer(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    requests.add(ex.getRequestMethod() + " " + path);
    try {
      if (path.contains("/referrers/")) {
        List<Map<String, Object>> listed = referrers.getOrDefault(path, List.of());
        send(
            ex,
            200,
            MediaTypes.OCI_INDEX,
            null,
            StrictJson.mapper()
                .writeValueAsBytes(
                    Map.of(
                        "schemaVersion",
                        2,
                        "mediaType",
                        MediaTypes.OCI_INDEX,
                        "manifests",
                        listed)));
        return;
      }
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(upstream + ex.getRequestURI()))
              .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
      String accept = ex.getRequestHeaders().getFirst("Accept");
      if (accept != null) {
        b.header("Accept", accept);
      }
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      send(
          ex,
          r.statusCode(),
          r.headers().firstValue("Content-Type").orElse("application/octet-stream"),
          r.headers().firstValue("Docker-Content-Digest").orElse(null),
          ex.getRequestMethod().equals("HEAD") ? new byte[0] : r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ex.sendResponseHeaders(502, -1);
    } finally {
      ex.close();
    }
  }

  private static void send(HttpExchange ex, int status, String type, String digest, byte[] body)
      throws IOException {
    ex.getResponseHeaders().add("Content-Type", type);
    if (digest != null) {
      ex.getResponseHeaders().add("Docker-Content-Digest", digest);
    }
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream o = ex.getResponseBody()) {
        o.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
