package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.admission.AdmissionResponseWriter;
import dev.modelgate.source.ModelPackPublisher;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import dev.modelgate.testing.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real artifacts in a real registry (Debian docker-registry 2.8.2, no referrers API, so the tag
 * fallback is exercised): pushed with {@code modelgate push}, verified by the CLI and through the
 * admission service for image-volume pods.
 */
class OciEndToEndTest {
  @TempDir Path tmp;
  TestRegistry registry;
  SignedModel signed;
  String ref;

  @BeforeEach
  void setUp() throws Exception {
    registry = TestRegistry.startOrSkip(Files.createDirectories(tmp.resolve("registry")));
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    ref = registry.host + "/models/llm:v1";
  }

  @AfterEach
  void tearDown() {
    if (registry != null) {
      registry.close();
    }
  }

  private Cli.Result push(Path model, String target) {
    return Cli.run("push", model, "oci://" + target);
  }

  private String pod(String reference) {
    return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: llm\n  namespace: ml\nspec:\n  containers: [{name: s, image: server, volumeMounts: [{name: weights, mountPath: /models}]}]\n"
        + "  volumes:\n    - name: weights\n      image: {reference: '"
        + reference
        + "', pullPolicy: IfNotPresent}\n";
  }

  private AdmissionHarness harness(String extraSpec) {
    return new AdmissionHarness(tmp)
        .policy(
            "p.yaml",
            AdmissionHarness.keyPolicy(
                "oci", "Enforce", "oci://" + registry.host + "/**", signed.publicKey, extraSpec));
  }

  @Test
  void pushedSignedModelVerifiesFromItsManifestAlone() {
    assertThat(push(signed.model, ref).exitCode()).isZero();

    Cli.Result r = Cli.run("verify", "oci://" + ref, "--public-key", signed.publicKey, "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("\"manifestDigest\" : \"sha256:")
        .contains("\"filesChecked\" : 5")
        .contains("\"bytesHashed\" : 0");
  }

  @Test
  void imageVolumePodIsAdmittedAndMutatePinsTheTagToTheVerifiedDigest() throws Exception {
    push(signed.model, ref);

    AdmissionOutcome o = harness("").review(AdmissionHarness.create(pod(ref)));

    assertThat(o.allowed()).as(o.message()).isTrue();
    var answer =
        new ObjectMapper().readTree(AdmissionResponseWriter.write("admission.k8s.io/v1", o, true));
    var patch =
        new ObjectMapper()
            .readTree(Base64.getDecoder().decode(answer.at("/response/patch").asText()));
    assertThat(answer.at("/response/patchType").asText()).isEqualTo("JSONPatch");
    assertThat(patch.get(0).get("path").asText()).isEqualTo("/spec/volumes/0/image/reference");
    assertThat(patch.get(0).get("value").asText()).startsWith(ref + "@sha256:");
  }

  @Test
  void replacedLayerIsDeniedWithTheFileNamedEvenWhenTheOldSignatureIsReattached() throws Exception {
    push(signed.model, ref);
    byte[] originalBundle = Files.readAllBytes(signed.signature);
    TestModels.write(signed.model.resolve("config.json"), "{\"layers\": 666}\n");
    Files.delete(signed.signature);
    push(signed.model, ref);
    RegistryClient client = new RegistryClient(RegistryCredentials.NONE, Set.of());
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    var tampered = client.manifest(OciReference.parse(ref), deadline);
    new ModelPackPublisher(client)
        .attachBundle(
            OciReference.parse(ref),
            tampered.digest(),
            tampered.bytes().length,
            originalBundle,
            deadline);

    AdmissionOutcome o = harness("").review(AdmissionHarness.create(pod(ref)));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("DIGEST_MISMATCH: file 'config.json' has sha256:");
  }

  @Test
  void modelWithoutSignatureIsDenied() throws Exception {
    Files.delete(signed.signature);
    push(signed.model, ref);

    AdmissionOutcome o = harness("").review(AdmissionHarness.create(pod(ref)));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("SIGNATURE_NOT_FOUND: no OMS signature found for sha256:");
  }

  @Test
  void requireDigestDeniesTagsAndAdmitsDigests() throws Exception {
    push(signed.model, ref);
    String digest =
        new RegistryClient(RegistryCredentials.NONE, Set.of())
            .manifest(OciReference.parse(ref), Instant.now().plusSeconds(30))
            .digest()
            .toString();

    AdmissionOutcome byTag =
        harness("  digest: Require\n").review(AdmissionHarness.create(pod(ref)));
    AdmissionOutcome byDigest =
        harness("  digest: Require\n")
            .review(AdmissionHarness.create(pod(registry.host + "/models/llm@" + digest)));

    assertThat(byTag.allowed()).isFalse();
    assertThat(byTag.message()).contains("DIGEST_REQUIRED");
    assertThat(byDigest.allowed()).as(byDigest.message()).isTrue();
    assertThat(byDigest.patch()).isEmpty();
  }

  @Test
  void verifyOnlyAdmitsWithoutPinning() throws Exception {
    push(signed.model, ref);

    AdmissionOutcome o =
        harness("  digest: VerifyOnly\n").review(AdmissionHarness.create(pod(ref)));

    assertThat(o.allowed()).isTrue();
    assertThat(o.patch()).isEmpty();
  }

  @Test
  void unreachableRegistryDeniesOrWarnsPerOnError() throws Exception {
    registry.close();
    String gone = ref;

    AdmissionOutcome denied = harness("").review(AdmissionHarness.create(pod(gone)));
    AdmissionOutcome warned =
        harness("  onError: Allow\n").review(AdmissionHarness.create(pod(gone)));

    assertThat(denied.allowed()).isFalse();
    assertThat(denied.message())
        .contains("UNAVAILABLE: registry " + registry.host + " cannot be reached");
    assertThat(warned.allowed()).isTrue();
    assertThat(warned.warnings())
        .singleElement()
        .asString()
        .contains("admitted unverified: onError Allow");
  }

  @Test
  void pushRefusesAnAttestationThatIsNotABundle() {
    Path notABundle =
        TestModels.write(tmp.resolve("broken.sigstore.json"), "{\"mediaType\": \"nope\"}");

    Cli.Result r = Cli.run("push", signed.model, "oci://" + ref, "--attestation", notABundle);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("bundle has mediaType 'nope'");
  }

  @Test
  void attestationPushedAsAReferrerIsCheckedAndFileRulesApplyToLayers() throws Exception {
    Path predicate =
        TestModels.write(tmp.resolve("eval.json"), "{\"metrics\": {\"accuracy\": 0.95}}");
    Cli.Result attested =
        Cli.run(
            "attest",
            signed.model,
            "--predicate-type",
            "https://example.com/evaluation/v1",
            "--predicate",
            predicate,
            "--private-key",
            signed.privateKey,
            "--output",
            tmp.resolve("eval.sigstore.json"));
    assertThat(attested.exitCode()).as(attested.toString()).isZero();
    assertThat(
            Cli.run(
                    "push",
                    signed.model,
                    "oci://" + ref,
                    "--attestation",
                    tmp.resolve("eval.sigstore.json"))
                .exitCode())
        .isZero();
    String rules =
        "  files: {deny: ['**/*.pkl']}\n  attestations:\n    - name: accuracy\n      predicateType: https://example.com/evaluation/v1\n"
            + "      condition: 'predicate.metrics.accuracy >= 0.9'\n";

    AdmissionOutcome ok = harness(rules).review(AdmissionHarness.create(pod(ref)));
    AdmissionOutcome stricter =
        harness(rules.replace(">= 0.9", ">= 0.99")).review(AdmissionHarness.create(pod(ref)));
    AdmissionOutcome noSafetensors =
        harness("  files: {require: ['**/*.gguf']}\n").review(AdmissionHarness.create(pod(ref)));

    assertThat(ok.allowed()).as(ok.message()).isTrue();
    assertThat(ok.verdicts())
        .singleElement()
        .satisfies(v -> assertThat(v.attestations()).containsExactly("accuracy"));
    assertThat(stricter.allowed()).isFalse();
    assertThat(stricter.message())
        .contains("condition 'predicate.metrics.accuracy >= 0.99' is false");
    assertThat(noSafetensors.message())
        .contains("FILE_REQUIRED: no signed file matches required pattern '**/*.gguf'");
  }
}
