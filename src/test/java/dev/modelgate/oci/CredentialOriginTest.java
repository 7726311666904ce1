package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registry credentials go only to the registry's own scheme, host and port (DESIGN.md section 7).
 * The registry runs on 127.0.0.1 and wants Basic credentials; its blob storage runs on 127.0.0.2
 * (another loopback address, so another origin) and records every Authorization header it sees.
 */
class CredentialOriginTest {
  static final String BASIC = "Basic cHVzaGVyOnMzY3JldA=="; // pusher:s3cret
  static final byte[] BLOB = "weights".getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;
  HttpServer registry;
  HttpServer storage;
  final List<String> registryAuth = new CopyOnWriteArrayList<>();
  final List<String> storageRequests = new CopyOnWriteArrayList<>();
  RegistryClient client;
  OciReference repo;

  @BeforeEach
  void setUp() throws IOException {
    storage = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
    storage.createContext(
        "/",
        ex -> {
          storageRequests.add(
              ex.getRequestMethod()
                  + " "
                  + ex.getRequestURI().getPath()
                  + " auth="
                  + ex.getRequestHeaders().getFirst("Authorization"));
          ex.getRequestBody().readAllBytes();
          if (ex.getRequestMethod().equals("PUT")) {
            reply(ex, 201, new byte[0]);
          } else {
            reply(ex, 200, BLOB);
          }
        });
    storage.start();
    String elsewhere = "http://127.0.0.2:" + storage.getAddress().getPort();

    registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    registry.createContext(
        "/v2/",
        ex -> {
          String auth = ex.getRequestHeaders().getFirst("Authorization");
          ex.getRequestBody().readAllBytes();
          if (!BASIC.equals(auth)) {
            ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"registry\"");
            reply(ex, 401, new byte[0]);
            return;
          }
          registryAuth.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
          String path = ex.getRequestURI().getPath();
          if (ex.getRequestMethod().equals("HEAD")) {
            reply(ex, 404, null);
          } else if (ex.getRequestMethod().equals("POST") && path.endsWith("/blobs/uploads/")) {
            ex.getResponseHeaders().add("Location", elsewhere + "/upload/session-1");
            reply(ex, 202, new byte[0]);
          } else if (ex.getRequestMethod().equals("GET") && path.contains("/blobs/")) {
            ex.getResponseHeaders().add("Location", elsewhere + "/storage/blob");
            reply(ex, 307, new byte[0]);
          } else {
            reply(ex, 404, new byte[0]);
          }
        });
    registry.start();
    String host = "127.0.0.1:" + registry.getAddress().getPort();
    client = new RegistryClient(RegistryCredentials.basic(host, "pusher", "s3cret"), Set.of());
    repo = OciReference.parse(host + "/models/llm:1");
  }

  @AfterEach
  void tearDown() {
    registry.stop(0);
    storage.stop(0);
  }

  private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body == null ? -1 : body.length == 0 ? -1 : body.length);
    if (body != null && body.length > 0) {
      ex.getResponseBody().write(body);
    }
    ex.close();
  }

  private static Instant soon() {
    return Instant.now().plus(Duration.ofSeconds(10));
  }

  @Test
  void uploadOfBytesToAnotherHostCarriesNoAuthorization() {
    client.pushBlob(repo, BLOB, soon());

    assertThat(registryAuth).contains("POST /v2/models/llm/blobs/uploads/");
    assertThat(storageRequests)
        .singleElement()
        .asString()
        .startsWith("PUT /upload/session-1")
        .endsWith("auth=null");
  }

  @Test
  void uploadOfAFileToAnotherHostCarriesNoAuthorization() throws IOException {
    Path file = Files.write(tmp.resolve("weights.bin"), BLOB);

    client.pushBlob(repo, OciDigest.sha256(BLOB), file, soon());

    assertThat(registryAuth).contains("POST /v2/models/llm/blobs/uploads/");
    assertThat(storageRequests)
        .singleElement()
        .asString()
        .startsWith("PUT /upload/session-1")
        .endsWith("auth=null");
  }

  @Test
  void blobRedirectToAnotherHostCarriesNoAuthorization() {
    byte[] got = client.blob(repo, OciDigest.sha256(BLOB), 1024, soon());

    assertThat(got).isEqualTo(BLOB);
    assertThat(registryAuth).anyMatch(r -> r.startsWith("GET /v2/models/llm/blobs/"));
    assertThat(storageRequests).singleElement().asString().isEqualTo("GET /storage/blob auth=null");
  }

  @Test
  void streamedBlobAnswersTheChallengeAndItsRedirectCarriesNoAuthorization() {
    ByteArrayOutputStream streamed = new ByteArrayOutputStream();

    client.streamBlob(
        repo, OciDigest.sha256(BLOB), 1024, soon(), (bytes, n) -> streamed.write(bytes, 0, n));

    assertThat(streamed.toByteArray()).isEqualTo(BLOB);
    assertThat(registryAuth).anyMatch(r -> r.startsWith("GET /v2/models/llm/blobs/"));
    assertThat(storageRequests).singleElement().asString().isEqualTo("GET /storage/blob auth=null");
  }
}
