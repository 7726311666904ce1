package dev.modelgate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.SignedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code volume://volume/path} model binds its volume to the verified path whatever the volume
 * is, not only a claim: NFS, hostPath and generic ephemeral volumes hold bytes from before the pod,
 * so no container may mount another part of them; a second hostPath (or NFS export of the same
 * server) over the same directory tree is the same bytes. An emptyDir starts empty, so a mount
 * above the model (KServe's multi-model storageUris shape) is admitted, and one beside it is not.
 * Volume sources as the Kubernetes API defines them (k8s.io/api core/v1 types.go: NFSVolumeSource
 * {server, path}, HostPathVolumeSource {path}, EphemeralVolumeSource {volumeClaimTemplate}).
 */
class VolumeBindingTest {
  @TempDir Path tmp;
  AdmissionHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    SignedModel signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    harness = new AdmissionHarness(tmp);
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy(
            "volumes",
            "Enforce",
            "volume://**",
            signed.publicKey,
            "  verification: {requireReadOnlyMounts: true}\n"));
  }

  /** A pod with model {@code volume://store/llama} on {@code volumes}, its containers mounting. */
  private static JsonNode pod(String init, String containers, String volumes) throws Exception {
    return new YAMLMapper()
        .readTree(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\n  namespace: ml\n  annotations: {model.modelgate.dev/llm: 'volume://store/llama'}\n"
                + "spec:\n"
                + (init.isEmpty() ? "" : "  initContainers:\n" + init)
                + "  containers:\n"
                + containers
                + "  volumes:\n"
                + volumes);
  }

  private static String server(String mount) {
    return "    - name: server\n      image: vllm/vllm-openai\n      volumeMounts:\n        - {name: store, mountPath: /models, readOnly: true"
        + mount
        + "}\n";
  }

  private static final String NFS =
      "    - {name: store, nfs: {server: nfs.example.internal, path: /exports/models}}\n";

  private AdmissionOutcome mutateThenValidate(JsonNode pod) {
    return harness.mutateThenValidate(pod);
  }

  @Test
  void anNfsModelMountedAtItsPathIsAdmitted() throws Exception {
    AdmissionOutcome o = mutateThenValidate(pod("", server(", subPath: llama"), NFS));

    assertThat(o.allowed()).as(o.message()).isTrue();
  }

  @Test
  void anNfsModelVolumeMountedAtItsRootIsDenied() throws Exception {
    AdmissionOutcome o = mutateThenValidate(pod("", server(""), NFS));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains(
            "MOUNT_OUTSIDE_MODEL: container 'server' mounts volume 'store' at its root, outside the verified model directory 'llama'");
  }

  @Test
  void anotherSubPathOfAnNfsModelVolumeIsDenied() throws Exception {
    AdmissionOutcome o =
        mutateThenValidate(
            pod(
                "",
                server(", subPath: llama")
                    + "    - name: sidestep\n      image: s\n      volumeMounts: [{name: store, mountPath: /o, subPath: llama-unsigned, readOnly: true}]\n",
                NFS));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains(
            "container 'sidestep' mounts volume 'store' at subPath 'llama-unsigned', outside the verified model directory 'llama'");
  }

  @Test
  void aSubPathThatStepsOutWithDotDotIsDeniedEvenBelowTheModel() throws Exception {
    AdmissionOutcome o = mutateThenValidate(pod("", server(", subPath: llama/../other"), NFS));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("at subPath 'llama/../other', which steps out with '..'");
  }

  @Test
  void aSubPathIsReadAsTheKubeletJoinsIt() throws Exception {
    // The kubelet joins subPath to the volume with Go's filepath.Join, which drops '.' and empty
    // segments: ./llama and llama//. are the model directory, ./llama-unsigned is beside it.
    AdmissionOutcome dotted = mutateThenValidate(pod("", server(", subPath: ./llama//."), NFS));
    AdmissionOutcome beside =
        mutateThenValidate(pod("", server(", subPath: ./llama-unsigned"), NFS));

    assertThat(dotted.allowed()).as(dotted.message()).isTrue();
    assertThat(beside.allowed()).isFalse();
    assertThat(beside.message())
        .contains(
            "mounts volume 'store' at subPath 'llama-unsigned', outside the verified model directory 'llama'");
  }

  @Test
  void aGenericEphemeralVolumeIsBoundLikeAClaim() throws Exception {
    // A generic ephemeral volume may be provisioned from a snapshot (dataSource): it holds bytes
    // from before the pod.
    String ephemeral =
        "    - name: store\n      ephemeral:\n        volumeClaimTemplate:\n          spec:\n            accessModes: [ReadWriteOnce]\n            dataSource: {name: models-snap, kind: VolumeSnapshot, apiGroup: snapshot.storage.k8s.io}\n            resources: {requests: {storage: 100Gi}}\n";

    AdmissionOutcome root = mutateThenValidate(pod("", server(""), ephemeral));
    AdmissionOutcome bound = mutateThenValidate(pod("", server(", subPath: llama"), ephemeral));

    assertThat(root.allowed()).isFalse();
    assertThat(root.message()).contains("mounts volume 'store' at its root");
    assertThat(bound.allowed()).as(bound.message()).isTrue();
  }

  @Test
  void aSecondHostPathOverTheModelDirectoryIsTheSameBytes() throws Exception {
    String volumes =
        "    - {name: store, hostPath: {path: /var/lib/models, type: Directory}}\n"
            + "    - {name: host-all, hostPath: {path: /var/lib/, type: Directory}}\n";
    String containers =
        server(", subPath: llama")
            + "    - name: sidestep\n      image: s\n      volumeMounts: [{name: host-all, mountPath: /h, subPath: models/llama}]\n";

    AdmissionOutcome writable = mutateThenValidate(pod("", containers, volumes));
    AdmissionOutcome above =
        mutateThenValidate(
            pod(
                "",
                server(", subPath: llama")
                    + "    - name: sidestep\n      image: s\n      volumeMounts: [{name: host-all, mountPath: /h, readOnly: true}]\n",
                volumes));

    assertThat(writable.allowed()).isFalse();
    assertThat(writable.message())
        .contains("container 'sidestep' mounts model volume 'host-all' writable");
    assertThat(above.allowed()).isFalse();
    assertThat(above.message())
        .contains(
            "container 'sidestep' mounts volume 'host-all' at its root, outside the verified model directory 'models/llama'");
  }

  @Test
  void aHostPathInsideTheModelDirectoryMayBeMountedWholeReadOnly() throws Exception {
    String volumes =
        "    - {name: store, hostPath: {path: /var/lib/models}}\n"
            + "    - {name: tokenizer, hostPath: {path: /var/lib//models/llama/tokenizer/}}\n";
    String containers =
        server(", subPath: llama")
            + "    - name: tok\n      image: t\n      volumeMounts: [{name: tokenizer, mountPath: /t, readOnly: true}]\n";

    AdmissionOutcome o = mutateThenValidate(pod("", containers, volumes));

    assertThat(o.allowed()).as(o.message()).isTrue();
  }

  @Test
  void anUnrelatedHostPathOrAnotherNfsServerIsNotTheModel() throws Exception {
    String volumes =
        NFS
            + "    - {name: logs, hostPath: {path: /var/log}}\n"
            + "    - {name: other-nfs, nfs: {server: nfs2.example.internal, path: /exports/models}}\n";
    String containers =
        server(", subPath: llama")
            + "    - name: shipper\n      image: s\n      volumeMounts: [{name: logs, mountPath: /l}, {name: other-nfs, mountPath: /o}]\n";

    AdmissionOutcome o = mutateThenValidate(pod("", containers, volumes));

    assertThat(o.allowed()).as(o.message()).isTrue();
  }

  /**
   * The same export spelled another way is the same bytes: the API server checks only that an NFS
   * path is absolute (pkg/apis/core/validation validateNFSVolumeSource), so {@code ..} and {@code
   * .} segments reach the mount, where the server resolves them, and a DNS name is the same with a
   * trailing dot or in upper case. A writable root mount of such an alias is the model volume
   * mounted writable, outside the model directory.
   */
  @Test
  void anNfsAliasSpelledWithDotDotOrATrailingDotIsTheModelVolume() throws Exception {
    for (String alias :
        List.of(
            "{server: nfs.example.internal, path: /exports/other/../models}",
            "{server: NFS.example.internal., path: /exports/models}",
            "{server: nfs.example.internal, path: /exports/models/llama/..}")) {
      String volumes = NFS + "    - {name: alias, nfs: " + alias + "}\n";
      String containers =
          server(", subPath: llama")
              + "    - name: rewriter\n      image: s\n      volumeMounts: [{name: alias, mountPath: /w}]\n";

      AdmissionOutcome o = mutateThenValidate(pod("", containers, volumes));

      assertThat(o.allowed()).as(alias).isFalse();
      assertThat(o.message())
          .as(alias)
          .contains(
              "MOUNT_OUTSIDE_MODEL: container 'rewriter' mounts volume 'alias' at its root, outside the verified model directory 'llama'")
          .contains("container 'rewriter' mounts model volume 'alias' writable");
    }
  }

  @Test
  void aDownloaderWritingTheVolumeRootBeforeTheVerifierIsNotBound() throws Exception {
    String fetch =
        "    - {name: fetch, image: curl, volumeMounts: [{name: store, mountPath: /cache}]}\n";

    AdmissionOutcome o =
        mutateThenValidate(
            pod(fetch, server(", subPath: llama"), "    - {name: store, emptyDir: {}}\n"));

    assertThat(o.allowed()).as(o.message()).isTrue();
  }

  @Test
  void anEmptyDirMountedAboveTheModelIsAdmittedAndBesideItIsDenied() throws Exception {
    String fetch =
        "    - {name: fetch, image: curl, volumeMounts: [{name: store, mountPath: /cache}]}\n";
    String emptyDir = "    - {name: store, emptyDir: {medium: Memory}}\n";

    AdmissionOutcome above = mutateThenValidate(pod(fetch, server(""), emptyDir));
    AdmissionOutcome beside =
        mutateThenValidate(
            pod(
                fetch,
                server(", subPath: llama")
                    + "    - name: sidestep\n      image: s\n      volumeMounts: [{name: store, mountPath: /o, subPath: extra, readOnly: true}]\n",
                emptyDir));

    assertThat(above.allowed()).as(above.message()).isTrue();
    assertThat(beside.allowed()).isFalse();
    assertThat(beside.message())
        .contains(
            "container 'sidestep' mounts volume 'store' at subPath 'extra', outside the verified model directory 'llama'");
  }

  /**
   * A pod that runs with the NFS root mounted (created before path binding covered NFS, or before
   * the policy required read-only mounts): its containers cannot change (ValidatePodUpdate, see
   * RunningPodUpdateTest), so a label update of it is judged as the pod it is and passes, as for
   * image volumes and the runtime seal; background verification reports it. A debug container that
   * mounts the root through the ephemeralcontainers subresource is new, and denied.
   */
  @Test
  void aLabelUpdateOfARunningPodIsNotDeniedForMountsItsContainersCannotChange() throws Exception {
    JsonNode created = pod("", server(", subPath: llama"), NFS);
    AdmissionOutcome injected = harness.review(created, true);
    assertThat(injected.allowed()).as(injected.message()).isTrue();
    JsonNode running = AdmissionHarness.patched(injected, created);
    ObjectNode mount = (ObjectNode) running.at("/spec/containers/0/volumeMounts/0");
    mount.remove("subPath");
    mount.put("readOnly", false);
    JsonNode labelled = running.deepCopy();
    ((ObjectNode) labelled.path("metadata")).putObject("labels").put("team", "search");
    JsonNode debugged = running.deepCopy();
    ((ObjectNode) debugged.path("spec"))
        .putArray("ephemeralContainers")
        .add(
            new YAMLMapper()
                .readTree(
                    "{name: debug, image: busybox, volumeMounts: [{name: store, mountPath: /m, readOnly: true}]}"));

    AdmissionOutcome label = harness.update(labelled, running, "");
    AdmissionOutcome debug = harness.update(debugged, running, "ephemeralcontainers");

    assertThat(label.allowed()).as(label.message()).isTrue();
    assertThat(debug.allowed()).isFalse();
    assertThat(debug.message())
        .contains("MOUNT_OUTSIDE_MODEL: container 'debug' mounts volume 'store' at its root")
        .doesNotContain("container 'server'");
  }
}
