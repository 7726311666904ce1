package dev.modelgate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.policy.NoMatchBehaviour;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Decisions for workloads whose models are signed, tampered, unmatched or badly named. */
class AdmissionDecisionTest {
  @TempDir Path tmp;
  SignedModel signed;
  AdmissionHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("models")));
    harness = new AdmissionHarness(tmp);
  }

  private String uri() {
    return "file://" + signed.model;
  }

  static String pod(String annotations) {
    return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: llm-0\n  namespace: ml\n  labels: {app: llm}\n  annotations:\n"
        + annotations
        + "spec:\n  containers: [{name: server, image: server}]\n";
  }

  static String template(String annotations) {
    return "    metadata:\n      labels: {app: llm}\n      annotations:\n"
        + annotations.replace("    ", "        ")
        + "    spec:\n      containers: [{name: server, image: server}]\n";
  }

  static Stream<Arguments> workloadKinds() {
    return Stream.of(
        Arguments.of("Deployment", "apps/v1", "spec:\n  replicas: 1\n  template:\n"),
        Arguments.of("ReplicaSet", "apps/v1", "spec:\n  replicas: 1\n  template:\n"),
        Arguments.of("StatefulSet", "apps/v1", "spec:\n  template:\n"),
        Arguments.of("DaemonSet", "apps/v1", "spec:\n  template:\n"),
        Arguments.of("Job", "batch/v1", "spec:\n  template:\n"),
        Arguments.of(
            "CronJob",
            "batch/v1",
            "spec:\n  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n"));
  }

  private static String workload(
      String kind, String apiVersion, String specHead, String annotations) {
    String t = template(annotations);
    if (kind.equals("CronJob")) {
      t = t.replaceAll("(?m)^", "    ");
    }
    return "apiVersion: "
        + apiVersion
        + "\nkind: "
        + kind
        + "\nmetadata:\n  name: w\n  namespace: ml\n"
        + specHead
        + t;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("workloadKinds")
  void everyWorkloadKindIsAdmittedWithASignedModelAndDeniedWithATamperedOne(
      String kind, String apiVersion, String specHead) {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy("signed", "Enforce", "file://**", signed.publicKey, ""));
    String yaml =
        workload(kind, apiVersion, specHead, "    model.modelgate.dev/llm: " + uri() + "\n");

    AdmissionOutcome ok = harness.review(AdmissionHarness.create(yaml));
    TestModels.write(signed.model.resolve("config.json"), "changed");
    AdmissionOutcome denied = harness.review(AdmissionHarness.create(yaml));

    assertThat(ok.allowed()).as(ok.message()).isTrue();
    assertThat(ok.verdicts()).singleElement().satisfies(v -> assertThat(v.passed()).isTrue());
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.message())
        .contains("model 'llm' (" + uri() + ") failed ClusterModelPolicy/signed")
        .contains("DIGEST_MISMATCH: file 'config.json'");
  }

  @Test
  void warnModeAdmitsWithAWarningThatNamesTheModel() {
    harness.policy(
        "p.yaml", AdmissionHarness.keyPolicy("warned", "Warn", "file://**", signed.publicKey, ""));
    TestModels.write(signed.model.resolve("extra.bin"), "x");

    AdmissionOutcome o =
        harness.review(
            AdmissionHarness.create(pod("    model.modelgate.dev/llm: " + uri() + "\n")));

    assertThat(o.allowed()).isTrue();
    assertThat(o.warnings())
        .singleElement()
        .asString()
        .contains("failed ClusterModelPolicy/warned")
        .contains("UNSIGNED_FILE: file 'extra.bin'");
    assertThat(harness.events).hasSize(1);
  }

  @Test
  void auditModeAdmitsSilentlyButRecordsTheVerdict() {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy("audited", "Audit", "file://**", signed.publicKey, ""));
    TestModels.write(signed.model.resolve("extra.bin"), "x");

    AdmissionOutcome o =
        harness.review(
            AdmissionHarness.create(pod("    model.modelgate.dev/llm: " + uri() + "\n")));

    assertThat(o.allowed()).isTrue();
    assertThat(o.warnings()).isEmpty();
    assertThat(o.verdicts()).singleElement().satisfies(v -> assertThat(v.passed()).isFalse());
  }

  @Test
  void everyMatchingPolicyMustPass() throws Exception {
    SignedModel other = SignedModel.create(Files.createDirectories(tmp.resolve("other")));
    harness.policy(
        "a.yaml", AdmissionHarness.keyPolicy("ours", "Enforce", "file://**", signed.publicKey, ""));
    harness.policy(
        "b.yaml",
        AdmissionHarness.keyPolicy("theirs", "Enforce", "file://**", other.publicKey, ""));

    AdmissionOutcome o =
        harness.review(
            AdmissionHarness.create(pod("    model.modelgate.dev/llm: " + uri() + "\n")));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("failed ClusterModelPolicy/theirs")
        .doesNotContain("failed ClusterModelPolicy/ours");
  }

  @Test
  void modelGlobsDecideWhichPolicyApplies() {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy(
            "elsewhere", "Enforce", "file:///nowhere/**", signed.publicKey, ""));

    AdmissionOutcome denied =
        harness.review(
            AdmissionHarness.create(pod("    model.modelgate.dev/llm: " + uri() + "\n")));
    AdmissionOutcome allowed =
        harness
            .noMatch(NoMatchBehaviour.ALLOW)
            .review(AdmissionHarness.create(pod("    model.modelgate.dev/llm: " + uri() + "\n")));
    AdmissionOutcome warned =
        harness
            .noMatch(NoMatchBehaviour.WARN)
            .review(AdmissionHarness.create(pod("    model.modelgate.dev/llm: " + uri() + "\n")));

    assertThat(denied.allowed()).isFalse();
    assertThat(denied.message()).contains("NO_POLICY: no policy matches this model");
    assertThat(allowed.allowed()).isTrue();
    assertThat(allowed.verdicts()).isEmpty();
    assertThat(warned.allowed()).isTrue();
    assertThat(warned.warnings()).singleElement().asString().contains("NO_POLICY");
  }

  @Test
  void workloadSelectorAndNamespaceSelectorNarrowThePolicy() {
    String selectors = "";
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy("selected", "Enforce", "file://**", signed.publicKey, selectors)
            .replace(
                "  match:\n",
                "  match:\n    namespaceSelector:\n      matchLabels: {team: ml}\n    workloadSelector:\n      matchExpressions: [{key: app, operator: In, values: [llm]}]\n"));
    TestModels.write(signed.model.resolve("extra.bin"), "x");
    String podYaml = pod("    model.modelgate.dev/llm: " + uri() + "\n");

    AdmissionOutcome unlabelledNamespace =
        harness.noMatch(NoMatchBehaviour.ALLOW).review(AdmissionHarness.create(podYaml));
    harness.namespaceLabels.put("ml", Map.of("team", "ml"));
    AdmissionOutcome labelled = harness.review(AdmissionHarness.create(podYaml));
    AdmissionOutcome otherApp =
        harness.review(AdmissionHarness.create(podYaml.replace("{app: llm}", "{app: web}")));

    assertThat(unlabelledNamespace.allowed()).isTrue();
    assertThat(labelled.allowed()).isFalse();
    assertThat(otherApp.allowed()).isTrue();
  }

  @Test
  void thresholdOfTwoFailsWithOneSignature() throws Exception {
    String policy =
        AdmissionHarness.keyPolicy(
            "two", "Enforce", "file://**", signed.publicKey, "  signatures: {threshold: 2}\n");
    SignedModel second = SignedModel.create(Files.createDirectories(tmp.resolve("models2")));
    String pem = Files.readString(second.publicKey).strip().replace("\n", "\n          ");
    policy =
        policy.replace(
            "  signatures:",
            "    - name: second-key\n      key:\n        publicKey: |\n          "
                + pem
                + "\n  signatures:");
    harness.policy("p.yaml", policy);

    AdmissionOutcome o =
        harness.review(
            AdmissionHarness.create(pod("    model.modelgate.dev/llm: " + uri() + "\n")));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("THRESHOLD_NOT_MET: 1 of 2 required authorities signed (release-key)");
  }

  @Test
  void brokenPolicyDeniesWhatItMatchesWithTheCompileError() {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy("broken", "Enforce", "file://**", signed.publicKey, "")
            .replace(
                "    - name: release-key\n",
                "    - name: corp\n      certificate: {trustRootRef: missing, sanRegExp: '(['}\n    - name: release-key\n"));

    AdmissionOutcome o =
        harness.review(
            AdmissionHarness.create(pod("    model.modelgate.dev/llm: " + uri() + "\n")));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("POLICY_INVALID: policy ClusterModelPolicy/broken does not compile")
        .contains(
            "spec.authorities[0].certificate.trustRootRef: 'missing' names no ModelTrustRoot");
  }

  @Test
  void policyWithAnUnknownFieldDeniesEverythingAndNamesTheField() {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy(
            "typo",
            "Enforce",
            "file://**",
            signed.publicKey,
            "  verificaton: {allowSymlinks: true}\n"));

    AdmissionOutcome o =
        harness.review(
            AdmissionHarness.create(pod("    model.modelgate.dev/llm: " + uri() + "\n")));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("spec.verificaton: unknown field");
  }

  @Test
  void policyWithABadRegularExpressionDenies() {
    harness.policy(
        "p.yaml",
        "apiVersion: modelgate.dev/v1alpha1\nkind: ClusterModelPolicy\nmetadata: {name: bad-regex}\nspec:\n  authorities:\n"
            + "    - name: ci\n      keyless:\n        identities: [{issuer: 'https://x', subjectRegExp: '(['}]\n");

    AdmissionOutcome o =
        harness.review(
            AdmissionHarness.create(pod("    model.modelgate.dev/llm: " + uri() + "\n")));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("the subject regular expression '([' does not compile");
  }

  @Test
  void unparsableModelUriIsDeniedWithTheField() {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy("signed", "Enforce", "file://**", signed.publicKey, ""));

    AdmissionOutcome o =
        harness.review(
            AdmissionHarness.create(pod("    model.modelgate.dev/llm: 's3://bucket/model'\n")));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains(
            "metadata.annotations[model.modelgate.dev/llm]: MODEL_REFERENCE_INVALID: model reference 's3://bucket/model' has scheme 's3', which ModelGate cannot read at admission")
        .contains("declared where it lands: volume://<volume>/<path>");
  }

  @Test
  void hundredsOfModelsAreDeniedWithALimit() {
    StringBuilder a = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      a.append("    model.modelgate.dev/m").append(i).append(": ").append(uri()).append("\n");
    }
    AdmissionOutcome o = harness.review(AdmissionHarness.create(pod(a.toString())));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("names 300 models; ModelGate verifies at most 64 per workload");
  }

  @Test
  void volumeModelsThePodDoesNotMountAreDenied() {
    harness.policy(
        "p.yaml", AdmissionHarness.keyPolicy("all", "Enforce", "**", signed.publicKey, ""));

    AdmissionOutcome o =
        harness.review(
            AdmissionHarness.create(
                pod(
                    "    model.modelgate.dev/a: pvc://models-claim/llama\n    model.modelgate.dev/b: volume://weights/v1\n")));

    assertThat(o.allowed()).isFalse();
    assertThat(o.verdicts())
        .extracting(v -> v.failures().get(0).reason().code())
        .containsOnly("MODEL_VOLUME_NOT_MOUNTED");
    assertThat(o.message())
        .contains("the pod mounts no volume for pvc://models-claim/llama")
        .contains("no volume named weights");
  }

  @Test
  void ociModelInAnUnreachableRegistryIsUnavailableAndDenied() {
    harness.policy(
        "p.yaml", AdmissionHarness.keyPolicy("all", "Enforce", "**", signed.publicKey, ""));

    AdmissionOutcome o =
        harness.review(
            AdmissionHarness.create(
                pod("    model.modelgate.dev/c: oci://127.0.0.1:1/models/m:1\n")));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("UNAVAILABLE: registry 127.0.0.1:1 cannot be reached: connection refused")
        .doesNotContain("java.net", "Exception");
  }

  @Test
  void signatureAnnotationPointsInsideTheModel() throws Exception {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy("signed", "Enforce", "file://**", signed.publicKey, ""));
    Files.move(signed.signature, signed.model.resolve("sigs.json"));

    AdmissionOutcome withAnnotation =
        harness.review(
            AdmissionHarness.create(
                pod(
                    "    model.modelgate.dev/llm: "
                        + uri()
                        + "\n    signature.modelgate.dev/llm: sigs.json\n")));
    AdmissionOutcome escaping =
        harness.review(
            AdmissionHarness.create(
                pod(
                    "    model.modelgate.dev/llm: "
                        + uri()
                        + "\n    signature.modelgate.dev/llm: ../../etc/passwd\n")));

    assertThat(withAnnotation.allowed()).as(withAnnotation.message()).isTrue();
    assertThat(escaping.allowed()).isFalse();
    assertThat(escaping.message()).contains("PATH_UNSAFE");
  }

  @Test
  void dryRunGetsTheSameAnswerAndNoEvent() {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy("signed", "Enforce", "file://**", signed.publicKey, ""));
    TestModels.write(signed.model.resolve("config.json"), "changed");
    var r = AdmissionHarness.create(pod("    model.modelgate.dev/llm: " + uri() + "\n"));
    var dry = AdmissionHarness.dryRun(r);

    AdmissionOutcome o = harness.review(dry);

    assertThat(o.allowed()).isFalse();
    assertThat(harness.events).isEmpty();
  }

  @Test
  void unknownKindIsDeniedWithTheReason() {
    AdmissionOutcome o =
        harness.review(
            AdmissionHarness.create(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n"));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("kind ConfigMap is not a workload ModelGate inspects");
  }

  @Test
  void modelPolicyAppliesOnlyInItsOwnNamespace() {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy("team", "Enforce", "file://**", signed.publicKey, "")
            .replace(
                "kind: ClusterModelPolicy\nmetadata:\n  name: team",
                "kind: ModelPolicy\nmetadata:\n  name: team\n  namespace: ml"));
    TestModels.write(signed.model.resolve("extra.bin"), "x");
    String inMl = pod("    model.modelgate.dev/llm: " + uri() + "\n");

    AdmissionOutcome ml =
        harness.noMatch(NoMatchBehaviour.ALLOW).review(AdmissionHarness.create(inMl));
    AdmissionOutcome other =
        harness.review(AdmissionHarness.create(inMl.replace("namespace: ml", "namespace: web")));

    assertThat(ml.allowed()).isFalse();
    assertThat(ml.message()).contains("failed ModelPolicy/ml/team");
    assertThat(other.allowed()).isTrue();
  }

  @Test
  void modelPolicyWithoutANamespaceIsInvalidRatherThanClusterWide() {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy("team", "Enforce", "file://**", signed.publicKey, "")
            .replace("kind: ClusterModelPolicy", "kind: ModelPolicy"));

    AdmissionOutcome o =
        harness.review(
            AdmissionHarness.create(pod("    model.modelgate.dev/llm: " + uri() + "\n")));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("metadata.namespace: a ModelPolicy needs a namespace");
  }
}
