package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CNCF ModelPack CSI volume is an OCI model like an image volume: verified at admission from its
 * manifest in a real registry (Debian docker-registry), and pinned by /mutate to the verified
 * digest at the attribute the driver reads. The shape is the driver's: modelpack/model-csi-driver
 * pkg/service/node.go @16fbff9f2565100016841152174aeea05c4f02ff (nodePublishVolume pulls {@code
 * volumeContext[<service_name>/reference]}, and with none mounts its dynamic root) and
 * pkg/config/config.go @0265c2ee9b5cb8630a4096d06d95892e82898dc2 (ParameterKeyReference: {@code
 * service_name + "/reference"}; the driver is deployed as {@code model.csi.modelpack.org}).
 */
class ModelPackCsiVolumeTest {
  static final String ATTRIBUTE = "model.csi.modelpack.org/reference";
  @TempDir Path tmp;
  TestRegistry registry;
  SignedModel signed;
  String ref;

  @BeforeEach
  void setUp() throws Exception {
    registry = TestRegistry.startOrSkip(Files.createDirectories(tmp.resolve("registry")));
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    ref = registry.host + "/models/qwen:v1";
  }

  @AfterEach
  void tearDown() {
    if (registry != null) {
      registry.close();
    }
  }

  private AdmissionHarness harness(String glob) {
    return new AdmissionHarness(tmp)
        .policy(
            "p.yaml", AdmissionHarness.keyPolicy("models", "Enforce", glob, signed.publicKey, ""));
  }

  /** A vLLM pod reading the model the driver mounts at /model (the driver's own example). */
  private static JsonNode pod(String driver, String attribute, String reference) throws Exception {
    return new YAMLMapper()
        .readTree(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: vllm, namespace: ml}\n"
                + "spec:\n  containers:\n"
                + "    - name: vllm\n      image: vllm/vllm-openai:v0.8.5\n"
                + "      command: [vllm, serve, /model]\n"
                + "      volumeMounts: [{name: model-volume, mountPath: /model, readOnly: true}]\n"
                + "  volumes:\n    - name: model-volume\n      csi:\n        driver: "
                + driver
                + "\n        volumeAttributes: {'"
                + attribute
                + "': '"
                + reference
                + "'}\n");
  }

  @Test
  void aSignedModelIsAdmittedAndPinnedToItsDigestAtTheDriversAttribute() throws Exception {
    assertThat(Cli.run("push", signed.model, "oci://" + ref).exitCode()).isZero();
    AdmissionHarness harness = harness("oci://" + registry.host + "/**");
    JsonNode pod = pod("model.csi.modelpack.org", ATTRIBUTE, ref);

    AdmissionOutcome mutate = harness.review(pod, true);
    JsonNode pinned = AdmissionHarness.patched(mutate, pod);
    AdmissionOutcome validated = harness.review(pinned, false);

    assertThat(mutate.allowed()).as(mutate.message()).isTrue();
    assertThat(mutate.modelsFound()).isEqualTo(1);
    assertThat(mutate.patch())
        .singleElement()
        .satisfies(
            op ->
                assertThat(op.get("path"))
                    .isEqualTo(
                        "/spec/volumes/0/csi/volumeAttributes/model.csi.modelpack.org~1reference"));
    String value = pinned.at("/spec/volumes/0/csi/volumeAttributes").path(ATTRIBUTE).asText();
    // Digest only: the driver's modctl fetches by the tag when there is one (see DigestPins).
    assertThat(value).startsWith(registry.host + "/models/qwen@sha256:").doesNotContain(":v1");
    assertThat(validated.allowed()).as(validated.message()).isTrue();
    assertThat(validated.patch()).isEmpty();
  }

  /** The signed model pushed at {@code ref}, and the attribute /mutate pins it to. */
  private String pushedAndPinned(AdmissionHarness harness) throws Exception {
    assertThat(Cli.run("push", signed.model, "oci://" + ref).exitCode()).isZero();
    JsonNode pod = pod("model.csi.modelpack.org", ATTRIBUTE, ref);
    return AdmissionHarness.patched(harness.review(pod, true), pod)
        .at("/spec/volumes/0/csi/volumeAttributes")
        .path(ATTRIBUTE)
        .asText();
  }

  /**
   * A reference with a tag and a digest is fetched by its tag: the driver pulls through modctl
   * v0.1.2-alpha.0 (model-csi-driver go.mod @9712173c1a1540a25bfb087d934ed80e1cb638b4,
   * pkg/service/puller.go Pull), whose Pull and Fetch parse it with distribution's ParseNamed and
   * call {@code FetchReference(ctx, ref.Tag())} (modelpack/modctl pkg/backend/pull.go and fetch.go
   *
   * @e5923143a8ad9ccf60336ea0781619bbce88c17d): the digest is never sent. So the model is what the
   *     tag names now, not the digest written beside it, which the tag no longer points to here.
   */
  @Test
  void aTagBesideADigestIsWhatTheDriverFetchesSoTheTagsModelIsJudged() throws Exception {
    AdmissionHarness harness = harness("oci://" + registry.host + "/**");
    String digest = pushedAndPinned(harness);
    String signedDigest = digest.substring(digest.indexOf('@'));
    // The tag moves to another model, which the policy's key never signed.
    Path otherDir = Files.createDirectories(tmp.resolve("other"));
    Path otherModel = dev.modelgate.testing.TestModels.sample(otherDir, "model");
    Files.writeString(otherModel.resolve("backdoor.py"), "import os\n");
    SignedModel other = SignedModel.signExisting(otherDir, otherModel);
    assertThat(Cli.run("push", other.model, "oci://" + ref).exitCode()).isZero();

    JsonNode both = pod("model.csi.modelpack.org", ATTRIBUTE, ref + signedDigest);
    // A new webhook process: nothing remembered of where the tag pointed before.
    AdmissionHarness fresh = harness("oci://" + registry.host + "/**");
    AdmissionOutcome validated = fresh.review(both, false);
    AdmissionOutcome mutated = fresh.review(both, true);

    assertThat(validated.allowed()).as("the driver would mount the tag's model").isFalse();
    assertThat(validated.verdicts())
        .flatExtracting(v -> v.failures())
        .extracting(f -> f.reason().code())
        .contains("KEY_MISMATCH");
    assertThat(mutated.allowed()).isFalse();
  }

  @Test
  void aTagBesideADigestIsPinnedToTheDigestOnlyWhenTheTagStillNamesIt() throws Exception {
    AdmissionHarness harness = harness("oci://" + registry.host + "/**");
    String digestOnly = pushedAndPinned(harness);
    JsonNode both =
        pod(
            "model.csi.modelpack.org",
            ATTRIBUTE,
            ref + digestOnly.substring(digestOnly.indexOf('@')));

    AdmissionOutcome mutate = harness.review(both, true);
    JsonNode pinned = AdmissionHarness.patched(mutate, both);

    assertThat(mutate.allowed()).as(mutate.message()).isTrue();
    assertThat(pinned.at("/spec/volumes/0/csi/volumeAttributes").path(ATTRIBUTE).asText())
        .isEqualTo(digestOnly);
    assertThat(harness.review(pinned, false).allowed()).isTrue();
  }

  @Test
  void aTagBesideADigestIsNoDigestReferenceForDigestRequire() throws Exception {
    String digestOnly = pushedAndPinned(harness("oci://" + registry.host + "/**"));
    AdmissionHarness require =
        new AdmissionHarness(tmp)
            .policy(
                "p.yaml",
                AdmissionHarness.keyPolicy(
                    "models",
                    "Enforce",
                    "oci://" + registry.host + "/**",
                    signed.publicKey,
                    "  digest: Require\n"));

    AdmissionOutcome both =
        require.review(
            pod(
                "model.csi.modelpack.org",
                ATTRIBUTE,
                ref + digestOnly.substring(digestOnly.indexOf('@'))),
            false);
    AdmissionOutcome digest =
        require.review(pod("model.csi.modelpack.org", ATTRIBUTE, digestOnly), false);

    assertThat(both.allowed()).isFalse();
    assertThat(both.message()).contains("DIGEST_REQUIRED");
    assertThat(digest.allowed()).as(digest.message()).isTrue();
  }

  @Test
  void anUnsignedModelIsDenied() throws Exception {
    Files.delete(signed.signature);
    Cli.run("push", signed.model, "oci://" + ref);

    AdmissionOutcome o =
        harness("oci://" + registry.host + "/**")
            .review(pod("model.csi.modelpack.org", ATTRIBUTE, ref), false);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("SIGNATURE_NOT_FOUND: no OMS signature found for sha256:");
  }

  @Test
  void aModelSignedByAnotherKeyIsDenied() throws Exception {
    SignedModel other = SignedModel.create(Files.createDirectories(tmp.resolve("other")));
    Cli.run("push", other.model, "oci://" + ref);

    AdmissionOutcome o =
        harness("oci://" + registry.host + "/**")
            .review(pod("model.csi.modelpack.org", ATTRIBUTE, ref), false);

    assertThat(o.allowed()).isFalse();
    assertThat(o.verdicts())
        .flatExtracting(v -> v.failures())
        .extracting(f -> f.reason().code())
        .contains("KEY_MISMATCH");
  }

  @Test
  void theServerArgumentInsideTheCsiMountIsThatModelNotAnotherOne() throws Exception {
    Cli.run("push", signed.model, "oci://" + ref);

    // A policy over every model: an uncovered /model would be an implicit volume:// model needing
    // an in-pod verifier (VERIFIER_MISSING here).
    AdmissionOutcome o =
        harness("**").review(pod("model.csi.modelpack.org", ATTRIBUTE, ref), false);

    assertThat(o.allowed()).as(o.message()).isTrue();
    assertThat(o.modelsFound()).isEqualTo(1);
  }

  /**
   * Without the reference attribute the driver mounts a dynamic root (pkg/service/node.go
   * nodePublishVolume → node_dynamic.go nodePublishVolumeDynamicForRootMount, @9712173c): the
   * volume's directory, holding {@code csi/csi.sock} on which the driver serves {@code POST
   * /api/v1/volumes/:volume_name/mounts} with any {@code reference} (dynamic_server.go,
   * dynamic_server_handler.go CreateVolume), and its {@code model-csi-cli mount --reference
   * --mount-id} (cmd/model-csi-cli/main.go, {@code --workdir} the mount) pulls it into the volume
   * while the pod runs. That is a model fetched at run time, which nothing verifies: refused under
   * Enforce like a runtime hub download, naming the volume.
   */
  @Test
  void aDynamicVolumeIsARuntimeModelSourceAndRefused() throws Exception {
    JsonNode pod =
        new YAMLMapper()
            .readTree(
                "apiVersion: v1\nkind: Pod\nmetadata: {name: app, namespace: ml}\n"
                    + "spec:\n  containers:\n"
                    + "    - name: app\n      image: ubuntu:24.04\n"
                    + "      command: [model-csi-cli, --workdir, /home/admin/model-csi, mount, --reference, 'ghcr.io/other/model:latest', --mount-id, m1]\n"
                    + "      volumeMounts: [{name: model-csi, mountPath: /home/admin/model-csi}]\n"
                    + "  volumes:\n    - name: model-csi\n      csi: {driver: model.csi.modelpack.org}\n");

    AdmissionOutcome o = harness("**").review(pod, false);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("RUNTIME_MODEL_SOURCE")
        .contains("volume 'model-csi'")
        .contains("csi.sock");
  }

  @Test
  void anotherDriverOrAnAttributeTheDriverDoesNotReadIsNoOciModel() throws Exception {
    AdmissionHarness harness = harness("oci://**");

    AdmissionOutcome otherDriver =
        harness.review(pod("csi.example.com", ATTRIBUTE, "registry.example/m:1"), false);
    AdmissionOutcome modelRef =
        harness.review(pod("model.csi.modelpack.org", "modelRef", "registry.example/m:1"), false);

    // Unchanged: neither is an OCI model ModelGate reads (the driver ignores modelRef and mounts
    // its dynamic root); vLLM's /model is then a model on that volume, verified in the pod.
    for (AdmissionOutcome o : new AdmissionOutcome[] {otherDriver, modelRef}) {
      assertThat(o.verdicts())
          .extracting(v -> v.model().uri().toString())
          .noneMatch(u -> u.startsWith("oci://"));
    }
  }
}
