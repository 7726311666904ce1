package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.ModelGateException;
import dev.modelgate.core.Reason;
import dev.modelgate.core.StrictJson;
import dev.modelgate.core.UnavailableException;
import dev.modelgate.oms.IgnoreRules;
import dev.modelgate.source.ModelPackPublisher;
import dev.modelgate.testing.KeyBundles;
import dev.modelgate.testing.ModelSigningAttachments;
import dev.modelgate.testing.ReferrerManifests;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import dev.modelgate.testing.TestRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Referrer discovery: the referrers API (served by a small in-test registry, since Debian's
 * docker-registry 2.8.2 has none), the tag-schema fallback (against that real registry), bundles
 * sorted into signatures and attestations by their claimed predicate type, and one rule for a
 * referrer about another manifest.
 */
class ReferrerDiscoveryTest {
  static final String OMS = "https://model_signing/signature/v1.0";
  static final String EVAL = "https://example.com/evaluation/v1";
  static final OciDigest SUBJECT = OciDigest.sha256("the model manifest".getBytes());

  @TempDir Path tmp;
  HttpServer server;
  final Map<String, byte[]> served = new ConcurrentHashMap<>();
  final Map<String, Integer> statuses = new ConcurrentHashMap<>();
  OciReference pinned;
  final RegistryClient client = new RegistryClient(RegistryCredentials.NONE, Set.of());

  @BeforeEach
  void setUp() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::answer);
    server.start();
    pinned =
        OciReference.parse("127.0.0.1:" + server.getAddress().getPort() + "/models/llm@" + SUBJECT);
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
  }

  private void answer(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    byte[] body = served.get(path);
    int status = statuses.getOrDefault(path, body == null ? 404 : 200);
    byte[] out = body == null ? new byte[0] : body;
    ex.getResponseHeaders().add("Content-Type", MediaTypes.OCI_MANIFEST);
    ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
    if (out.length > 0) {
      try (OutputStream o = ex.getResponseBody()) {
        o.write(out);
      }
    }
    ex.close();
  }

  private static byte[] json(Object o) throws IOException {
    return StrictJson.mapper().writeValueAsBytes(o);
  }

  /** A referrer manifest about {@code subject} (none when null) holding {@code bundle}. */
  private OciDigest referrer(OciDigest subject, byte[] bundle) {
    served.put("/v2/models/llm/blobs/" + OciDigest.sha256(bundle), bundle);
    byte[] bytes = ReferrerManifests.bundle(subject, bundle);
    OciDigest d = OciDigest.sha256(bytes);
    served.put("/v2/models/llm/manifests/" + d, bytes);
    return d;
  }

  private static Map<String, Object> entry(
      OciDigest referrer, String artifactType, String predicateType) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("mediaType", MediaTypes.OCI_MANIFEST);
    e.put("digest", referrer.toString());
    e.put("size", 1);
    e.put("artifactType", artifactType);
    if (predicateType != null) {
      e.put("annotations", Map.of(MediaTypes.BUNDLE_PREDICATE_TYPE, predicateType));
    }
    return e;
  }

  private void referrersApi(List<Map<String, Object>> entries) throws IOException {
    served.put(
        "/v2/models/llm/referrers/" + SUBJECT,
        json(Map.of("schemaVersion", 2, "mediaType", MediaTypes.OCI_INDEX, "manifests", entries)));
  }

  private Referrers discover() {
    return new ReferrerDiscovery(client, Set.of(OMS))
        .discover(pinned, SUBJECT, Instant.now().plusSeconds(10));
  }

  @Test
  void referrersApiAnswerIsSortedIntoSignaturesAndAttestations() throws Exception {
    OciDigest sig = referrer(SUBJECT, "{\"sig\": 1}".getBytes());
    OciDigest unannotated = referrer(SUBJECT, "{\"sig\": 2}".getBytes());
    OciDigest eval = referrer(SUBJECT, "{\"eval\": 1}".getBytes());
    referrersApi(
        List.of(
            entry(sig, MediaTypes.SIGSTORE_BUNDLE, OMS),
            entry(unannotated, MediaTypes.SIGSTORE_BUNDLE, null),
            entry(eval, MediaTypes.SIGSTORE_BUNDLE, EVAL)));

    Referrers r = discover();

    assertThat(r.signatures())
        .extracting(ReferrerBundle::referrer)
        .containsExactly(sig, unannotated);
    assertThat(r.attestations())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.referrer()).isEqualTo(eval);
              assertThat(a.claimedPredicateType()).isEqualTo(EVAL);
              assertThat(new String(a.bundle().toArray(), StandardCharsets.UTF_8))
                  .isEqualTo("{\"eval\": 1}");
            });
  }

  @Test
  void entriesOfAnotherArtifactTypeAreLeftOutEvenIfTheRegistryIgnoresTheFilter() throws Exception {
    OciDigest sbom = referrer(SUBJECT, "{}".getBytes());
    referrersApi(List.of(entry(sbom, "application/spdx+json", null)));

    assertThat(discover()).isEqualTo(Referrers.NONE);
  }

  @Test
  void registryWithoutReferrersApiOrTagHasNoReferrers() {
    assertThat(discover()).isEqualTo(Referrers.NONE);
  }

  @Test
  void tagSchemaIndexIsReadWhenTheApiIsMissing() throws Exception {
    OciDigest sig = referrer(SUBJECT, "{\"sig\": 1}".getBytes());
    served.put(
        "/v2/models/llm/manifests/" + SUBJECT.referrersTag(),
        json(
            Map.of(
                "schemaVersion",
                2,
                "mediaType",
                MediaTypes.OCI_INDEX,
                "manifests",
                List.of(entry(sig, MediaTypes.SIGSTORE_BUNDLE, OMS)))));

    assertThat(discover().signatures()).extracting(ReferrerBundle::referrer).containsExactly(sig);
  }

  @Test
  void signatureReferrerAboutAnotherManifestIsRefusedNamingBoth() throws Exception {
    OciDigest other = OciDigest.sha256("another manifest".getBytes());
    OciDigest r = referrer(other, "{}".getBytes());
    referrersApi(List.of(entry(r, MediaTypes.SIGSTORE_BUNDLE, OMS)));

    assertThatThrownBy(this::discover)
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("signature referrer " + r + " is for " + other + ", not for " + SUBJECT)
        .extracting(e -> ((ModelGateException) e).reason())
        .isEqualTo(Reason.REGISTRY_CONTENT_INVALID);
  }

  @Test
  void attestationReferrerAboutAnotherManifestIsRefusedByTheSameRule() throws Exception {
    OciDigest other = OciDigest.sha256("another manifest".getBytes());
    OciDigest r = referrer(other, "{}".getBytes());
    referrersApi(List.of(entry(r, MediaTypes.SIGSTORE_BUNDLE, EVAL)));

    assertThatThrownBy(this::discover)
        .hasMessage("attestation referrer " + r + " is for " + other + ", not for " + SUBJECT);
  }

  @Test
  void referrerWithoutSubjectIsRefused() throws Exception {
    OciDigest r = referrer(null, "{}".getBytes());
    referrersApi(List.of(entry(r, MediaTypes.SIGSTORE_BUNDLE, OMS)));

    assertThatThrownBy(this::discover)
        .hasMessageContaining("is for no subject, not for " + SUBJECT);
  }

  @Test
  void moreSignatureReferrersThanTheLimitAreRefusedBeforeTheExtraIsFetched() throws Exception {
    List<Map<String, Object>> entries = new ArrayList<>();
    for (int i = 0; i <= ReferrerDiscovery.MAX_SIGNATURE_REFERRERS; i++) {
      entries.add(
          entry(
              referrer(SUBJECT, ("{\"n\": " + i + "}").getBytes()),
              MediaTypes.SIGSTORE_BUNDLE,
              OMS));
    }
    referrersApi(entries);

    assertThatThrownBy(this::discover)
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("more than 16 signature referrers");
  }

  @Test
  void referrersApiThatFailsIsUnavailableNotEmpty() {
    statuses.put("/v2/models/llm/referrers/" + SUBJECT, 503);

    assertThatThrownBy(this::discover).isInstanceOf(UnavailableException.class);
  }

  /** rh-model-signing's referrer (its registry.py push_signature, dc11f2f6), by the bundle. */
  private OciDigest modelSigningReferrer(OciDigest subject, String configType, int layers) {
    byte[] bundle = "{\"sig\": \"rh\"}".getBytes();
    served.put("/v2/models/llm/blobs/" + OciDigest.sha256(bundle), bundle);
    OciDigest config = OciDigest.sha256("{}".getBytes());
    byte[] bytes =
        ModelSigningAttachments.referrer(
            subject, 1, config, OciDigest.sha256(bundle), bundle.length);
    String text =
        new String(bytes, StandardCharsets.UTF_8)
            .replace(MediaTypes.MODEL_SIGNING_CONFIG, configType);
    if (layers == 2) {
      text =
          text.replace(
              "\"layers\":[{",
              "\"layers\":[{\"mediaType\":\""
                  + MediaTypes.SIGSTORE_BUNDLE
                  + "\",\"digest\":\""
                  + OciDigest.sha256(bundle)
                  + "\",\"size\":1},{");
    }
    bytes = text.getBytes(StandardCharsets.UTF_8);
    OciDigest d = OciDigest.sha256(bytes);
    served.put("/v2/models/llm/manifests/" + d, bytes);
    return d;
  }

  @Test
  void modelSigningReferrerIsASignatureWithItsOneBundle() throws Exception {
    OciDigest r = modelSigningReferrer(SUBJECT, MediaTypes.MODEL_SIGNING_CONFIG, 1);
    referrersApi(List.of(entry(r, MediaTypes.MODEL_SIGNING_SIGNATURE, null)));

    Referrers found = discover();

    assertThat(found.signatures()).extracting(ReferrerBundle::referrer).containsExactly(r);
    assertThat(new String(found.signatures().get(0).bundle().toArray(), StandardCharsets.UTF_8))
        .isEqualTo("{\"sig\": \"rh\"}");
  }

  @Test
  void modelSigningReferrerWithAnotherConfigIsRefused() throws Exception {
    OciDigest r = modelSigningReferrer(SUBJECT, MediaTypes.OCI_EMPTY, 1);
    referrersApi(List.of(entry(r, MediaTypes.MODEL_SIGNING_SIGNATURE, null)));

    assertThatThrownBy(this::discover)
        .hasMessage(
            "model-signing referrer "
                + r
                + " needs config "
                + MediaTypes.MODEL_SIGNING_CONFIG
                + ", but has '"
                + MediaTypes.OCI_EMPTY
                + "'")
        .extracting(e -> ((ModelGateException) e).reason())
        .isEqualTo(Reason.REGISTRY_CONTENT_INVALID);
  }

  @Test
  void modelSigningReferrerWithTwoBundlesIsRefused() throws Exception {
    OciDigest r = modelSigningReferrer(SUBJECT, MediaTypes.MODEL_SIGNING_CONFIG, 2);
    referrersApi(List.of(entry(r, MediaTypes.MODEL_SIGNING_SIGNATURE, null)));

    assertThatThrownBy(this::discover).hasMessageContaining("needs exactly one layer of type");
  }

  @Test
  void modelSigningReferrerAboutAnotherManifestIsRefused() throws Exception {
    OciDigest other = OciDigest.sha256("another manifest".getBytes());
    OciDigest r = modelSigningReferrer(other, MediaTypes.MODEL_SIGNING_CONFIG, 1);
    referrersApi(List.of(entry(r, MediaTypes.MODEL_SIGNING_SIGNATURE, null)));

    assertThatThrownBy(this::discover)
        .hasMessage("signature referrer " + r + " is for " + other + ", not for " + SUBJECT);
  }

  private void sigTag(byte[] manifest) {
    served.put("/v2/models/llm/manifests/" + ReferrerDiscovery.signatureTag(SUBJECT), manifest);
  }

  @Test
  void signatureTagIsReadWhenNoReferrerSigns() throws Exception {
    byte[] bundle = "{\"sig\": \"tag\"}".getBytes();
    served.put("/v2/models/llm/blobs/" + OciDigest.sha256(bundle), bundle);
    byte[] m =
        ModelSigningAttachments.tagged(
            OciDigest.sha256("{}".getBytes()), OciDigest.sha256(bundle), bundle.length);
    sigTag(m);

    assertThat(discover().signatures())
        .singleElement()
        .satisfies(b -> assertThat(b.referrer()).isEqualTo(OciDigest.sha256(m)));
  }

  /** cosign's simple-signing signature lives at the same tag; it is not an OMS signature. */
  @Test
  void cosignSignatureAtTheSigTagIsPassedOver() throws Exception {
    sigTag(
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST
                + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + OciDigest.sha256("{}".getBytes())
                + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"digest\":\""
                + OciDigest.sha256("x".getBytes())
                + "\",\"size\":1,\"annotations\":{\"dev.cosignproject.cosign/signature\":\"MEU=\"}}]}")
            .getBytes(StandardCharsets.UTF_8));

    assertThat(discover()).isEqualTo(Referrers.NONE);
  }

  @Test
  void signatureTagNamingAnotherSubjectIsRefused() throws Exception {
    OciDigest other = OciDigest.sha256("another manifest".getBytes());
    byte[] m = ReferrerManifests.bundle(other, "{}".getBytes());
    String text =
        new String(m, StandardCharsets.UTF_8)
            .replace(
                "\"artifactType\":\"" + MediaTypes.SIGSTORE_BUNDLE,
                "\"artifactType\":\"" + MediaTypes.MODEL_SIGNING_SIGNATURE);
    sigTag(text.getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(this::discover)
        .hasMessageContaining("must be about " + SUBJECT + ", but names subject " + other)
        .extracting(e -> ((ModelGateException) e).reason())
        .isEqualTo(Reason.REGISTRY_CONTENT_INVALID);
  }

  @Test
  void realRegistryWithoutReferrersApiIsReadThroughTheTagSchema() throws Exception {
    try (TestRegistry registry = TestRegistry.startOrSkip(tmp)) {
      KeyPair keys = TestKeys.ec("secp256r1");
      Path model = TestModels.sample(tmp, "model");
      OciReference target = OciReference.parse(registry.host + "/models/llm:v1");
      Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
      ModelPackPublisher publisher = new ModelPackPublisher(client);
      OciReference published =
          publisher.publish(model, target, new IgnoreRules(List.of()), List.of(), deadline).model();
      byte[] signature = KeyBundles.sign(keys, "{\"predicateType\": \"" + OMS + "\"}");
      byte[] attestation = KeyBundles.sign(keys, "{\"predicateType\": \"" + EVAL + "\"}");
      OciDigest sig = publisher.attachBundle(target, published.digest(), 1, signature, deadline);
      OciDigest att = publisher.attachBundle(target, published.digest(), 1, attestation, deadline);

      Referrers r =
          new ReferrerDiscovery(client, Set.of(OMS))
              .discover(published, published.digest(), deadline);

      assertThat(r.signatures()).extracting(ReferrerBundle::referrer).containsExactly(sig);
      assertThat(r.signatures().get(0).bundle().toArray()).isEqualTo(signature);
      assertThat(r.attestations()).extracting(ReferrerBundle::referrer).containsExactly(att);
    }
  }
}
