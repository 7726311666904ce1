package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.modelgate.core.Failure;
import dev.modelgate.core.StrictJson;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.source.RegistryAccess;
import dev.modelgate.testing.FakeTicker;
import dev.modelgate.testing.ReferrerManifests;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import dev.modelgate.trust.KeyVerifier;
import dev.modelgate.trust.PemReader;
import dev.modelgate.verify.ModelVerifier;
import dev.modelgate.verify.OciModelVerifier;
import dev.modelgate.verify.PullCredentials;
import dev.modelgate.verify.VerificationPolicy;
import dev.modelgate.verify.VerificationResult;
import dev.modelgate.verify.VerifiedCache;
import dev.modelgate.verify.VerifyOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small in-test registry that serves what each test tells it to: the OCI 1.1 referrers API (which
 * docker-registry lacks), and every way a registry can lie, refuse, stall or flood. Each case must
 * end in a specific failure, never a pass and never a hang.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileRegistryTest {
  @TempDir Path tmp;
  HttpServer server;
  final Map<String, Consumer<HttpExchange>> routes = new ConcurrentHashMap<>();

  /** Every request the registry received, for tests of what the cache saves. */
  final AtomicInteger requests = new AtomicInteger();

  String host;
  SignedModel signed;
  byte[] bundle;
  byte[] manifest;
  OciDigest manifestDigest;

  @BeforeEach
  void setUp() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/",
        ex -> {
          requests.incrementAndGet();
          String key = ex.getRequestMethod() + " " + ex.getRequestURI().getPath();
          Consumer<HttpExchange> h = routes.get(key);
          if (h == null) {
            h =
                routes.get(
                    ex.getRequestMethod()
                        + " "
                        + ex.getRequestURI().getPath().replaceAll("/sha256:[0-9a-f]{64}$", "/*"));
          }
          if (h == null) {
            send(ex, 404, "text/plain", "404 page not found".getBytes());
          } else {
            h.accept(ex);
          }
        });
    server.start();
    host = "127.0.0.1:" + server.getAddress().getPort();
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    bundle = Files.readAllBytes(signed.signature);
    manifest =
        modelManifest(
            Map.of(
                "config.json",
                sha(signed.model.resolve("config.json")),
                "model.safetensors",
                sha(signed.model.resolve("model.safetensors")),
                "tokenizer/vocab.txt",
                sha(signed.model.resolve("tokenizer/vocab.txt")),
                "tokenizer.json",
                sha(signed.model.resolve("tokenizer.json")),
                "empty",
                sha(signed.model.resolve("empty"))));
    manifestDigest = OciDigest.sha256(manifest);
    serveManifest("v1", manifest);
    serveManifest(manifestDigest.toString(), manifest);
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
  }

  static OciDigest sha(Path p) {
    try {
      return OciDigest.sha256(Files.readAllBytes(p));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] modelManifest(Map<String, OciDigest> files) throws IOException {
    List<Object> layers = new ArrayList<>();
    files.forEach(
        (path, d) ->
            layers.add(
                Map.of(
                    "mediaType",
                    "application/vnd.cncf.model.weight.v1.raw",
                    "digest",
                    d.toString(),
                    "size",
                    1,
                    "annotations",
                    Map.of("org.cncf.model.filepath", path))));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.OCI_MANIFEST);
    m.put("artifactType", MediaTypes.MODELPACK_MANIFEST);
    m.put(
        "config",
        Map.of(
            "mediaType",
            MediaTypes.MODELPACK_CONFIG,
            "digest",
            OciDigest.sha256("{}".getBytes()).toString(),
            "size",
            2));
    m.put("layers", layers);
    return StrictJson.mapper().writeValueAsBytes(m);
  }

  static void send(HttpExchange ex, int status, String type, byte[] body) {
    try {
      ex.getResponseHeaders().add("Content-Type", type);
      ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream o = ex.getResponseBody()) {
          o.write(body);
        }
      }
      ex.close();
    } catch (IOException e) {
      ex.close();
    }
  }

  void serveManifest(String reference, byte[] bytes) {
    routes.put(
        "GET /v2/models/llm/manifests/" + reference,
        ex -> send(ex, 200, MediaTypes.OCI_MANIFEST, bytes));
  }

  /**
   * A referrer manifest for {@code subject} holding the bundle, served at its digest, and its blob.
   */
  OciDigest serveReferrer(OciDigest subject, byte[] bundleBytes) throws IOException {
    OciDigest bundleDigest = OciDigest.sha256(bundleBytes);
    byte[] bytes = ReferrerManifests.bundle(subject, bundleBytes);
    OciDigest d = OciDigest.sha256(bytes);
    serveManifest(d.toString(), bytes);
    routes.put(
        "GET /v2/models/llm/blobs/" + bundleDigest,
        ex -> send(ex, 200, "application/octet-stream", bundleBytes));
    return d;
  }

  void serveReferrersApi(OciDigest... referrers) throws IOException {
    List<Object> entries = new ArrayList<>();
    for (OciDigest d : referrers) {
      entries.add(
          Map.of(
              "mediaType",
              MediaTypes.OCI_MANIFEST,
              "digest",
              d.toString(),
              "size",
              1,
              "artifactType",
              MediaTypes.SIGSTORE_BUNDLE,
              "annotations",
              Map.of(MediaTypes.BUNDLE_PREDICATE_TYPE, "https://model_signing/signature/v1.0")));
    }
    byte[] index =
        StrictJson.mapper()
            .writeValueAsBytes(
                Map.of(
                    "schemaVersion", 2, "mediaType", MediaTypes.OCI_INDEX, "manifests", entries));
    routes.put(
        "GET /v2/models/llm/referrers/" + manifestDigest,
        ex -> {
          ex.getResponseHeaders().add("OCI-Filters-Applied", "artifactType");
          send(ex, 200, MediaTypes.OCI_INDEX, index);
        });
  }

  VerificationResult verify(Duration budget) {
    RegistryClient client = new RegistryClient(RegistryCredentials.NONE, Set.of());
    var policy =
        VerificationPolicy.single(
            new KeyVerifier(PemReader.publicKey(signed.publicKey)), VerifyOptions.DEFAULTS);
    return new OciModelVerifier(client, new ModelVerifier(ModelHasher.allCores()))
        .verify(OciReference.parse(host + "/models/llm:v1"), policy, Instant.now().plus(budget));
  }

  VerificationResult verify() {
    return verify(Duration.ofSeconds(10));
  }

  static String reasons(VerificationResult r) {
    return r.failures().stream().map(Failure::toString).reduce("", (a, b) -> a + "\n" + b);
  }

  @Test
  void referrersApiIsUsedWhenTheRegistryHasIt() throws Exception {
    serveReferrersApi(serveReferrer(manifestDigest, bundle));

    VerificationResult r = verify();

    assertThat(r.verified()).as(reasons(r)).isTrue();
    assertThat(r.resolvedDigest()).contains(manifestDigest.toString());
  }

  @Test
  void manifestThatDoesNotMatchItsDigestIsRejected() throws Exception {
    OciDigest referrer = serveReferrer(manifestDigest, bundle);
    serveReferrersApi(referrer);
    serveManifest(referrer.toString(), manifest);

    VerificationResult r = verify();

    assertThat(r.verified()).isFalse();
    assertThat(reasons(r))
        .contains(
            "REGISTRY_CONTENT_INVALID: registry "
                + host
                + " served manifest bytes for "
                + referrer
                + " whose digest is "
                + manifestDigest);
  }

  @Test
  void tagWhoseClaimedDigestDiffersFromItsBytesIsRejected() throws Exception {
    routes.put(
        "GET /v2/models/llm/manifests/v1",
        ex -> {
          ex.getResponseHeaders().add("Docker-Content-Digest", "sha256:" + "1".repeat(64));
          send(ex, 200, MediaTypes.OCI_MANIFEST, manifest);
        });

    assertThat(reasons(verify())).contains("says tag v1 is sha256:1111");
  }

  @Test
  void oversizedManifestIsRejected() {
    byte[] huge = new byte[5 * 1024 * 1024];
    Arrays.fill(huge, (byte) ' ');
    serveManifest("v1", huge);

    assertThat(reasons(verify()))
        .contains("LIMIT_EXCEEDED: registry " + host + " sent more than 4194304 bytes");
  }

  @Test
  void blobThatNeverEndsIsCutAtTheLimit() throws Exception {
    OciDigest referrer = serveReferrer(manifestDigest, bundle);
    serveReferrersApi(referrer);
    routes.put(
        "GET /v2/models/llm/blobs/" + OciDigest.sha256(bundle),
        ex -> {
          try {
            ex.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream o = ex.getResponseBody()) {
              for (int i = 0; i < 1024; i++) {
                o.write(chunk);
              }
            }
          } catch (IOException e) {
            ex.close();
          }
        });

    assertThat(reasons(verify())).contains("LIMIT_EXCEEDED").contains("more than 16777216 bytes");
  }

  @Test
  void hangingRegistryIsUnavailableWithinTheDeadline() {
    routes.put(
        "GET /v2/models/llm/manifests/v1",
        ex -> {
          try {
            Thread.sleep(30_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ex.close();
        });

    VerificationResult r = verify(Duration.ofSeconds(2));

    assertThat(reasons(r))
        .contains(
            "UNAVAILABLE: registry "
                + host
                + " did not answer GET /v2/models/llm/manifests/v1 within");
  }

  @Test
  void refusalsAndErrorsAreNamed() {
    for (int status : new int[] {401, 403, 404, 429, 500, 503}) {
      routes.put(
          "GET /v2/models/llm/manifests/v1",
          ex -> send(ex, status, "application/json", "{}".getBytes()));

      String reasons = reasons(verify());

      switch (status) {
        case 401:
        case 403:
          assertThat(reasons)
              .contains(
                  "REGISTRY_DENIED: registry "
                      + host
                      + " (models/llm) refused access to manifest v1 (HTTP "
                      + status
                      + ")");
          break;
        case 404:
          assertThat(reasons)
              .contains("NOT_FOUND: registry " + host + " (models/llm) has no manifest v1");
          break;
        case 429:
          assertThat(reasons).contains("UNAVAILABLE").contains("rate-limiting");
          break;
        default:
          assertThat(reasons).contains("UNAVAILABLE").contains("failed with HTTP " + status);
      }
    }
  }

  @Test
  void redirectLoopIsCut() {
    routes.put(
        "GET /v2/models/llm/manifests/v1",
        ex -> {
          ex.getResponseHeaders().add("Location", "/v2/models/llm/manifests/v1");
          send(ex, 307, "text/plain", new byte[0]);
        });

    assertThat(reasons(verify())).contains("redirected more than 5 times");
  }

  @Test
  void referrerListingAMissingBundleIsNamed() throws Exception {
    OciDigest referrer = serveReferrer(manifestDigest, bundle);
    serveReferrersApi(referrer);
    routes.remove("GET /v2/models/llm/blobs/" + OciDigest.sha256(bundle));

    assertThat(reasons(verify()))
        .contains(
            "NOT_FOUND: registry "
                + host
                + " (models/llm) has no blob "
                + OciDigest.sha256(bundle));
  }

  @Test
  void signatureReferrerForAnotherManifestIsRejected() throws Exception {
    OciDigest other = OciDigest.sha256("another manifest".getBytes(StandardCharsets.UTF_8));
    serveReferrersApi(serveReferrer(other, bundle));

    assertThat(reasons(verify()))
        .contains("signature referrer")
        .contains("is for " + other + ", not for " + manifestDigest);
  }

  private byte[] index(String... artifactTypes) throws IOException {
    List<Object> entries = new ArrayList<>();
    for (String t : artifactTypes) {
      entries.add(
          Map.of(
              "mediaType",
              MediaTypes.OCI_MANIFEST,
              "digest",
              manifestDigest.toString(),
              "size",
              manifest.length,
              "artifactType",
              t));
    }
    return StrictJson.mapper()
        .writeValueAsBytes(
            Map.of("schemaVersion", 2, "mediaType", MediaTypes.OCI_INDEX, "manifests", entries));
  }

  @Test
  void indexResolvesToItsModelManifestWhetherTypedByHeaderOrOnlyByShape() throws Exception {
    serveReferrersApi(serveReferrer(manifestDigest, bundle));
    serveManifest(manifestDigest.toString(), manifest);
    byte[] idx =
        index("application/vnd.example.other", "application/vnd.cncf.model.manifest.v1+json");
    routes.put("GET /v2/models/llm/manifests/v1", ex -> send(ex, 200, MediaTypes.OCI_INDEX, idx));
    VerificationResult byHeader = verify();
    routes.put("GET /v2/models/llm/manifests/v1", ex -> send(ex, 200, "application/json", idx));
    VerificationResult byShape = verify();

    assertThat(byHeader.verified()).as(reasons(byHeader)).isTrue();
    assertThat(byShape.verified()).as(reasons(byShape)).isTrue();
  }

  @Test
  void indexOfASignedModelBesideAPlatformImageIsRefused() throws Exception {
    // A node pulling this index chooses the linux/amd64 image by platform and never the model:
    // admitting because the model verified would run the unsigned image.
    serveReferrersApi(serveReferrer(manifestDigest, bundle));
    serveManifest(manifestDigest.toString(), manifest);
    byte[] image = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
    byte[] idx =
        StrictJson.mapper()
            .writeValueAsBytes(
                Map.of(
                    "schemaVersion",
                    2,
                    "mediaType",
                    MediaTypes.OCI_INDEX,
                    "manifests",
                    List.of(
                        Map.of(
                            "mediaType",
                            MediaTypes.OCI_MANIFEST,
                            "digest",
                            manifestDigest.toString(),
                            "size",
                            manifest.length,
                            "artifactType",
                            "application/vnd.cncf.model.manifest.v1+json"),
                        Map.of(
                            "mediaType",
                            MediaTypes.OCI_MANIFEST,
                            "digest",
                            OciDigest.sha256(image).toString(),
                            "size",
                            image.length,
                            "platform",
                            Map.of("architecture", "amd64", "os", "linux")))));
    routes.put("GET /v2/models/llm/manifests/v1", ex -> send(ex, 200, MediaTypes.OCI_INDEX, idx));

    VerificationResult r = verify();

    assertThat(r.verified()).isFalse();
    assertThat(reasons(r))
        .contains("REGISTRY_CONTENT_INVALID")
        .contains("is an index of a model manifest and a platform image (")
        .contains(", linux/amd64)");
  }

  @Test
  void indexWithoutAModelManifestIsRefusedByName() throws Exception {
    byte[] idx = index("application/vnd.example.a", "application/vnd.example.b");
    routes.put("GET /v2/models/llm/manifests/v1", ex -> send(ex, 200, MediaTypes.OCI_INDEX, idx));

    assertThat(reasons(verify()))
        .contains("REGISTRY_CONTENT_INVALID")
        .contains("names no platform, so containerd decides from its config");
  }

  @Test
  void floodOfSignatureReferrersIsCutOffWithALimit() throws Exception {
    OciDigest[] many = new OciDigest[17];
    for (int i = 0; i < many.length; i++) {
      many[i] =
          serveReferrer(
              manifestDigest,
              ("{\"not\": \"a bundle " + i + "\"}").getBytes(StandardCharsets.UTF_8));
    }
    serveReferrersApi(many);

    assertThat(reasons(verify()))
        .contains("LIMIT_EXCEEDED")
        .contains("more than 16 signature referrers");
  }

  @Test
  void layerPathEscapingTheModelIsDenied() throws Exception {
    Map<String, OciDigest> files = new LinkedHashMap<>();
    files.put("../x", sha(signed.model.resolve("config.json")));
    manifest = modelManifest(files);
    manifestDigest = OciDigest.sha256(manifest);
    serveManifest("v1", manifest);
    serveReferrersApi(serveReferrer(manifestDigest, bundle));

    assertThat(reasons(verify())).contains("PATH_UNSAFE").contains("'../x'");
  }

  @Test
  void archiveLayersAreNotVerifiableWithoutDownload() throws Exception {
    String json =
        new String(manifest, StandardCharsets.UTF_8)
            .replaceFirst("weight.v1.raw", "weight.v1.tar+gzip");
    manifest = json.getBytes(StandardCharsets.UTF_8);
    manifestDigest = OciDigest.sha256(manifest);
    serveManifest("v1", manifest);
    serveReferrersApi(serveReferrer(manifestDigest, bundle));

    assertThat(reasons(verify())).contains("LAYER_NOT_VERIFIABLE").contains("is an archive");
  }

  @Test
  void bearerChallengeIsAnsweredWithATokenFromTheRealm() throws Exception {
    serveReferrersApi(serveReferrer(manifestDigest, bundle));
    routes.put(
        "GET /token", ex -> send(ex, 200, "application/json", "{\"token\":\"t0k\"}".getBytes()));
    Consumer<HttpExchange> protectedManifest =
        ex -> {
          if (!"Bearer t0k".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders()
                .add(
                    "WWW-Authenticate",
                    "Bearer realm=\"http://"
                        + host
                        + "/token\",service=\"test\",scope=\"repository:models/llm:pull\"");
            send(ex, 401, "application/json", "{}".getBytes());
            return;
          }
          send(ex, 200, MediaTypes.OCI_MANIFEST, manifest);
        };
    routes.put("GET /v2/models/llm/manifests/v1", protectedManifest);

    VerificationResult r = verify();

    assertThat(r.verified()).as(reasons(r)).isTrue();
  }

  @Test
  void workloadPullSecretsAreUsedAndOnlyForThatWorkload() throws Exception {
    serveReferrersApi(serveReferrer(manifestDigest, bundle));
    String expected =
        "Basic "
            + Base64.getEncoder().encodeToString("puller:s3cret".getBytes(StandardCharsets.UTF_8));
    routes.put(
        "GET /v2/models/llm/manifests/v1",
        ex -> {
          if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"test\"");
            send(ex, 401, "application/json", "{}".getBytes());
            return;
          }
          send(ex, 200, MediaTypes.OCI_MANIFEST, manifest);
        });
    PullCredentials pull =
        access ->
            access.pullSecrets().contains("registry-creds")
                ? RegistryCredentials.basic(host, "puller", "s3cret")
                : RegistryCredentials.NONE;
    var policy =
        VerificationPolicy.single(
            new KeyVerifier(PemReader.publicKey(signed.publicKey)), VerifyOptions.DEFAULTS);
    OciModelVerifier v =
        new OciModelVerifier(
            new RegistryClient(RegistryCredentials.NONE, Set.of()),
            new ModelVerifier(ModelHasher.allCores()),
            pull);
    OciReference ref = OciReference.parse(host + "/models/llm:v1");

    VerificationResult withSecret =
        v.verify(
            ref,
            policy,
            Instant.now().plusSeconds(10),
            new RegistryAccess("team-a", "default", List.of("registry-creds")));
    VerificationResult otherNamespace =
        v.verify(
            ref,
            policy,
            Instant.now().plusSeconds(10),
            new RegistryAccess("team-b", "default", List.of()));

    assertThat(withSecret.verified()).as(reasons(withSecret)).isTrue();
    assertThat(reasons(otherNamespace)).contains("REGISTRY_DENIED").contains("HTTP 401");
  }

  /** A manifest where the tokenizer files come as one tar+gzip layer built by GNU tar. */
  private VerificationResult verifyWithTarLayer(Path tarRoot, String[] members, long downloadBudget)
      throws Exception {
    return verifyWithTarLayer(
        tarRoot,
        members,
        downloadBudget,
        "tokenizer",
        List.of("config.json", "model.safetensors", "empty"));
  }

  private VerificationResult verifyWithTarLayer(
      Path tarRoot, String[] members, long downloadBudget, String layerName, List<String> rawFiles)
      throws Exception {
    Path tgz = tmp.resolve("layer-" + System.nanoTime() + ".tgz");
    List<String> cmd =
        new ArrayList<>(List.of("tar", "-czf", tgz.toString(), "-C", tarRoot.toString()));
    cmd.addAll(List.of(members));
    assertThat(new ProcessBuilder(cmd).inheritIO().start().waitFor()).isZero();
    byte[] layer = Files.readAllBytes(tgz);
    OciDigest layerDigest = OciDigest.sha256(layer);
    Map<String, OciDigest> files = new LinkedHashMap<>();
    for (String f : rawFiles) {
      files.put(f, sha(signed.model.resolve(f)));
    }
    String json = new String(modelManifest(files), StandardCharsets.UTF_8);
    String tarLayer =
        "{\"mediaType\":\"application/vnd.cncf.model.weight.config.v1.tar+gzip\",\"digest\":\""
            + layerDigest
            + "\",\"size\":"
            + layer.length
            + ",\"annotations\":{\"org.cncf.model.filepath\":\""
            + layerName
            + "\"}}";
    manifest =
        json.replace("\"layers\":[", "\"layers\":[" + tarLayer + ",")
            .getBytes(StandardCharsets.UTF_8);
    manifestDigest = OciDigest.sha256(manifest);
    serveManifest("v1", manifest);
    serveReferrersApi(serveReferrer(manifestDigest, bundle));
    routes.put(
        "GET /v2/models/llm/blobs/" + layerDigest,
        ex -> send(ex, 200, "application/octet-stream", layer));
    var policy =
        VerificationPolicy.single(
            new KeyVerifier(PemReader.publicKey(signed.publicKey)),
            new VerifyOptions(List.of(), false, false, true, downloadBudget));
    return new OciModelVerifier(
            new RegistryClient(RegistryCredentials.NONE, Set.of()),
            new ModelVerifier(ModelHasher.allCores()))
        .verify(OciReference.parse(host + "/models/llm:v1"), policy, Instant.now().plusSeconds(20));
  }

  @Test
  void archiveLayerIsDownloadedAndItsFilesHashedWhenThePolicyAllows() throws Exception {
    VerificationResult r =
        verifyWithTarLayer(
            signed.model, new String[] {"tokenizer/vocab.txt", "tokenizer.json"}, 1 << 20);

    assertThat(r.verified()).as(reasons(r)).isTrue();
  }

  @Test
  void tamperedFileInsideAnArchiveLayerIsNamed() throws Exception {
    Path other = Files.createDirectories(tmp.resolve("tarroot/tokenizer")).getParent();
    TestModels.write(other.resolve("tokenizer/vocab.txt"), "evil\n");
    TestModels.write(other.resolve("tokenizer.json"), "{}");

    VerificationResult r =
        verifyWithTarLayer(other, new String[] {"tokenizer/vocab.txt", "tokenizer.json"}, 1 << 20);

    assertThat(reasons(r)).contains("DIGEST_MISMATCH: file 'tokenizer/vocab.txt' has sha256:");
  }

  @Test
  void symlinkInsideAnArchiveLayerIsRefused() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("linkroot"));
    Files.createSymbolicLink(root.resolve("tokenizer.json"), Path.of("/etc/passwd"));

    VerificationResult r = verifyWithTarLayer(root, new String[] {"tokenizer.json"}, 1 << 20);

    assertThat(reasons(r)).contains("LAYER_UNSUPPORTED").contains("is a symbolic link");
  }

  @Test
  void unsignedArchiveLayerNamedWithALeadingDotSlashIsHashedNotSkipped() throws Exception {
    Path extra = Files.createDirectories(tmp.resolve("extraroot"));
    TestModels.write(extra.resolve("evil.bin"), "not signed\n");
    List<String> allSigned =
        List.of(
            "config.json", "model.safetensors", "tokenizer/vocab.txt", "tokenizer.json", "empty");

    VerificationResult r =
        verifyWithTarLayer(extra, new String[] {"evil.bin"}, 1 << 20, "./extra", allSigned);

    assertThat(r.verified()).isFalse();
    assertThat(reasons(r)).contains("evil.bin");
  }

  @Test
  void unreadArchiveLayerIsDeniedEvenWhenItsNameIsIgnored() throws Exception {
    Path extra = Files.createDirectories(tmp.resolve("sigroot"));
    TestModels.write(extra.resolve("evil.bin"), "not signed\n");
    List<String> allSigned =
        List.of(
            "config.json", "model.safetensors", "tokenizer/vocab.txt", "tokenizer.json", "empty");

    VerificationResult r =
        verifyWithTarLayer(extra, new String[] {"evil.bin"}, 0, "model.sig", allSigned);

    assertThat(reasons(r)).contains("LAYER_NOT_VERIFIABLE").contains("'model.sig' is an archive");
  }

  @Test
  void archiveLayerOverTheDownloadBudgetIsRefused() throws Exception {
    VerificationResult r =
        verifyWithTarLayer(
            signed.model, new String[] {"tokenizer/vocab.txt", "tokenizer.json"}, 10);

    assertThat(reasons(r))
        .contains("LIMIT_EXCEEDED")
        .contains("verification.maxLayerDownloadBytes");
  }

  @Test
  void secondVerificationOfTheSameManifestAndPolicyComesFromTheCache() throws Exception {
    serveReferrersApi(serveReferrer(manifestDigest, bundle));
    AtomicInteger referrerCalls = new AtomicInteger();
    Consumer<HttpExchange> referrers = routes.get("GET /v2/models/llm/referrers/" + manifestDigest);
    routes.put(
        "GET /v2/models/llm/referrers/" + manifestDigest,
        ex -> {
          referrerCalls.incrementAndGet();
          referrers.accept(ex);
        });
    var policy =
        VerificationPolicy.single(
            new KeyVerifier(PemReader.publicKey(signed.publicKey)), VerifyOptions.DEFAULTS);
    OciModelVerifier v =
        new OciModelVerifier(
            new RegistryClient(RegistryCredentials.NONE, Set.of()),
            new ModelVerifier(ModelHasher.allCores()),
            PullCredentials.NONE);
    OciReference ref = OciReference.parse(host + "/models/llm:v1");

    VerificationResult first = v.verify(ref, policy, Instant.now().plusSeconds(10));
    int afterFirst = referrerCalls.get();
    VerificationResult second = v.verify(ref, policy, Instant.now().plusSeconds(10));
    var recompiled =
        VerificationPolicy.single(
            new KeyVerifier(PemReader.publicKey(signed.publicKey)), VerifyOptions.DEFAULTS);
    VerificationResult third = v.verify(ref, recompiled, Instant.now().plusSeconds(10));

    assertThat(first.verified() && second.verified() && third.verified()).isTrue();
    assertThat(referrerCalls.get())
        .as("the second call reads no referrers, the recompiled policy does")
        .isEqualTo(afterFirst * 2);
    assertThat(v.cache().hits()).isEqualTo(1);
    assertThat(second.resolvedDigest()).contains(manifestDigest.toString());
  }

  /** A verifier whose cache runs on {@code clock}, with the default TTLs (10 min, 30 s, 30 s). */
  private OciModelVerifier cachingVerifier(FakeTicker clock) {
    return new OciModelVerifier(
        new RegistryClient(RegistryCredentials.NONE, Set.of()),
        new ModelVerifier(ModelHasher.allCores()),
        PullCredentials.NONE,
        new VerifiedCache(VerifiedCache.Settings.DEFAULTS, clock));
  }

  private VerificationPolicy keyPolicy() {
    return VerificationPolicy.single(
        new KeyVerifier(PemReader.publicKey(signed.publicKey)), VerifyOptions.DEFAULTS);
  }

  @Test
  void verifiedDigestReferenceIsAnsweredWithoutAnyRegistryRequest() throws Exception {
    serveReferrersApi(serveReferrer(manifestDigest, bundle));
    OciModelVerifier v = cachingVerifier(new FakeTicker());
    VerificationPolicy policy = keyPolicy();
    OciReference ref = OciReference.parse(host + "/models/llm@" + manifestDigest);

    assertThat(v.verify(ref, policy, Instant.now().plusSeconds(10)).verified()).isTrue();
    int cold = requests.get();
    VerificationResult hit = v.verify(ref, policy, Instant.now().plusSeconds(10));

    assertThat(hit.verified()).isTrue();
    assertThat(cold).isGreaterThan(0);
    assertThat(requests.get()).as("no request for a cached digest").isEqualTo(cold);
    assertThat(hit.resolvedDigest()).contains(manifestDigest.toString());
  }

  @Test
  void tagIsResolvedOncePerTtlAndAMovedTagPinsTheDigestVerifiedForIt() throws Exception {
    serveReferrersApi(serveReferrer(manifestDigest, bundle));
    var clock = new FakeTicker();
    OciModelVerifier v = cachingVerifier(clock);
    VerificationPolicy policy = keyPolicy();
    OciReference tag = OciReference.parse(host + "/models/llm:v1");
    OciDigest first = manifestDigest;
    assertThat(v.verify(tag, policy, Instant.now().plusSeconds(10)).verified()).isTrue();
    int cold = requests.get();

    // The tag moves to another manifest of the same files (layers listed in another order), signed
    // too.
    byte[] moved =
        new String(manifest, StandardCharsets.UTF_8)
            .replace("\"schemaVersion\":2", "\"schemaVersion\":2,\"annotations\":{\"v\":\"2\"}")
            .getBytes(StandardCharsets.UTF_8);
    manifestDigest = OciDigest.sha256(moved);
    serveManifest("v1", moved);
    serveManifest(manifestDigest.toString(), moved);
    serveReferrersApi(serveReferrer(manifestDigest, bundle));

    VerificationResult withinTtl = v.verify(tag, policy, Instant.now().plusSeconds(10));
    assertThat(requests.get()).as("within the tag TTL: no request at all").isEqualTo(cold);
    assertThat(withinTtl.resolvedDigest())
        .as("the digest pinned is the one this answer verified")
        .contains(first.toString());

    clock.advance(Duration.ofSeconds(31));
    VerificationResult afterTtl = v.verify(tag, policy, Instant.now().plusSeconds(10));
    assertThat(afterTtl.verified()).isTrue();
    assertThat(afterTtl.resolvedDigest()).contains(manifestDigest.toString());
  }

  @Test
  void repeatedDenialIsNotReverifiedWithinTheFailureTtl() throws Exception {
    OciModelVerifier v = cachingVerifier(new FakeTicker());
    OciReference ref = OciReference.parse(host + "/models/llm@" + manifestDigest);
    VerificationPolicy policy = keyPolicy();

    VerificationResult denied = v.verify(ref, policy, Instant.now().plusSeconds(10));
    int cold = requests.get();
    VerificationResult again = v.verify(ref, policy, Instant.now().plusSeconds(10));

    assertThat(reasons(denied)).contains("SIGNATURE_NOT_FOUND");
    assertThat(reasons(again)).contains("SIGNATURE_NOT_FOUND");
    assertThat(requests.get()).isEqualTo(cold);
  }

  @Test
  void unavailableRegistryIsAskedAgainEveryTime() {
    routes.put(
        "GET /v2/models/llm/manifests/v1", ex -> send(ex, 503, "text/plain", "down".getBytes()));
    OciModelVerifier v = cachingVerifier(new FakeTicker());
    OciReference ref = OciReference.parse(host + "/models/llm:v1");

    assertThat(reasons(v.verify(ref, keyPolicy(), Instant.now().plusSeconds(10))))
        .contains("UNAVAILABLE");
    int first = requests.get();
    v.verify(ref, keyPolicy(), Instant.now().plusSeconds(10));

    assertThat(requests.get()).isGreaterThan(first);
  }

  @Test
  void concurrentColdReviewsOfOneDigestShareOneVerification() throws Exception {
    serveReferrersApi(serveReferrer(manifestDigest, bundle));
    CountDownLatch release = new CountDownLatch(1);
    Consumer<HttpExchange> manifestRoute =
        routes.get("GET /v2/models/llm/manifests/" + manifestDigest);
    routes.put(
        "GET /v2/models/llm/manifests/" + manifestDigest,
        ex -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          manifestRoute.accept(ex);
        });
    OciModelVerifier v = cachingVerifier(new FakeTicker());
    VerificationPolicy policy = keyPolicy();
    OciReference ref = OciReference.parse(host + "/models/llm@" + manifestDigest);
    int n = 40;
    var pool = Executors.newFixedThreadPool(n);
    List<Future<VerificationResult>> answers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      answers.add(pool.submit(() -> v.verify(ref, policy, Instant.now().plusSeconds(20))));
    }
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (v.cache().shared() < n - 1 && System.nanoTime() < end) {
      Thread.onSpinWait();
    }
    release.countDown();

    for (var a : answers) {
      assertThat(a.get(20, TimeUnit.SECONDS).verified()).isTrue();
    }
    pool.shutdownNow();
    assertThat(v.cache().shared()).isEqualTo(n - 1);
    assertThat(requests.get())
        .as("one manifest, one referrers list, one referrer, one bundle")
        .isLessThanOrEqualTo(5);
  }
}
