package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.admission.AdmissionReviewParser;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modelgate check} gives the webhook's decision offline on the shipped policies/ and
 * testdata/.
 */
class CheckCommandTest {
  @TempDir Path tmp;

  private Path render(String workload) throws Exception {
    String text =
        Files.readString(Path.of("testdata/workloads").resolve(workload))
            .replace("@MODELS@", Path.of("testdata/models").toAbsolutePath().toString())
            .replace("@MODEL@", "sample");
    return TestModels.write(tmp.resolve(workload), text);
  }

  @Test
  void signedDeploymentIsAdmitted() throws Exception {
    Cli.Result r = Cli.run("check", "--policies", "policies", render("deployment-signed.yaml"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err())
        .contains("ADMIT Deployment inference/llm-server")
        .contains("verified by ClusterModelPolicy/testdata-signed-models");
  }

  @Test
  void tamperedDeploymentIsDeniedWithTheFileNamed() throws Exception {
    Cli.Result r =
        Cli.run("check", "--policies", "policies", render("deployment-tampered.yaml"), "--json");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .contains("DENY  Deployment inference/llm-server-tampered")
        .contains("DIGEST_MISMATCH: file 'config.json'");
    assertThat(r.out())
        .contains("\"schemaVersion\" : \"modelgate.dev/check-result/v1\"")
        .contains("\"admitted\" : false");
  }

  @Test
  void admissionReviewJsonIsCheckedToo() throws Exception {
    Cli.Result r = Cli.run("check", "--policies", "policies", render("admission-review-pod.json"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err()).contains("ADMIT Pod inference/llm-0");
  }

  @Test
  void unreadableWorkloadIsBadInput() throws Exception {
    Path bad = TestModels.write(tmp.resolve("bad.yaml"), "kind: [unclosed");

    Cli.Result r = Cli.run("check", "--policies", "policies", bad);

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("is not YAML or JSON");
  }

  @Test
  void duplicateKeysInWorkloadYamlAreRefusedAsKubectlDoes() throws Exception {
    // Two "image" keys: one tool would read the first, another the last.
    Path dup =
        TestModels.write(
            tmp.resolve("dup.yaml"),
            String.join(
                "\n",
                "apiVersion: v1",
                "kind: Pod",
                "metadata:",
                "  name: p",
                "spec:",
                "  containers:",
                "  - name: c",
                "    image: registry.example/ok:1",
                "    image: registry.example/other:1",
                ""));

    Cli.Result r = Cli.run("check", "--policies", "policies", dup);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err())
        .contains("is not YAML or JSON at line 9, column 10: Duplicate field 'image'");
  }

  @Test
  void aWorkloadFileOverTheWebhooksLimitIsRefusedBeforeParsing() throws Exception {
    Path big = tmp.resolve("big.yaml");
    byte[] bytes =
        ("kind: Pod\nmetadata: {name: p}\n# "
                + "x".repeat((int) AdmissionReviewParser.MAX_BYTES)
                + "\n")
            .getBytes(StandardCharsets.UTF_8);
    Files.write(big, bytes);

    Cli.Result r = Cli.run("check", "--policies", "policies", big);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err())
        .contains("is larger than 16777216 bytes, the limit the webhook applies too");
  }

  @Test
  void missingPolicyDirectoryIsBadInput() throws Exception {
    Cli.Result r =
        Cli.run("check", "--policies", tmp.resolve("nope"), render("deployment-signed.yaml"));

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("policy directory " + tmp.resolve("nope") + " does not exist");
  }

  @Test
  void volumeModelShowsTheInitContainerMutateWouldInject() {
    Cli.Result r =
        Cli.run(
            "check",
            "--policies",
            "policies",
            Path.of("testdata/workloads/deployment-pvc.yaml"),
            "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err())
        .contains("ADMIT Deployment inference/vllm")
        .contains(
            "will be verified on the volume by ModelGate's init container before use (ClusterModelPolicy/volume-models-signed)")
        .contains("mutate: add /spec/template/spec/initContainers");
    assertThat(r.out()).contains("modelgate-verify-llama").contains("verify-volume");
  }

  @Test
  void writableMountOfAVolumeModelIsDenied() throws Exception {
    Path w =
        TestModels.write(
            tmp.resolve("w.yaml"),
            Files.readString(Path.of("testdata/workloads/deployment-pvc.yaml"))
                .replace("subPath: llama-3-8b, readOnly: true}", "subPath: llama-3-8b}")
                .replace("{claimName: model-store, readOnly: true}", "{claimName: model-store}"));

    Cli.Result r = Cli.run("check", "--policies", "policies", w);

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("container 'vllm' mounts model volume 'models' writable");
  }

  @Test
  void aClaimVolumeFlaggedReadOnlyMakesItsMountsReadOnly() throws Exception {
    // persistentVolumeClaim.readOnly "will force the ReadOnly setting in VolumeMounts".
    Path w =
        TestModels.write(
            tmp.resolve("w.yaml"),
            Files.readString(Path.of("testdata/workloads/deployment-pvc.yaml"))
                .replace("subPath: llama-3-8b, readOnly: true}", "subPath: llama-3-8b}"));

    Cli.Result r = Cli.run("check", "--policies", "policies", w);

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).doesNotContain("writable");
  }

  /** The shipped testdata policy, selecting namespaces by {@code selector} (a matchLabels map). */
  private Path policiesSelecting(String selector) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("policies-" + Math.abs(selector.hashCode())));
    Files.copy(Path.of("policies/trust-roots.yaml"), dir.resolve("trust-roots.yaml"));
    TestModels.write(
        dir.resolve("testdata-models.yaml"),
        Files.readString(Path.of("policies/testdata-models.yaml"))
            .replace(
                "  match:\n",
                "  match:\n    namespaceSelector: {matchLabels: " + selector + "}\n"));
    return dir;
  }

  @Test
  void namespacesCarryTheirNameLabelAsTheApiServerSetsIt() throws Exception {
    Path policies = policiesSelecting("{kubernetes.io/metadata.name: inference}");

    Cli.Result r = Cli.run("check", "--policies", policies, render("deployment-signed.yaml"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err()).contains("verified by ClusterModelPolicy/testdata-signed-models");
  }

  @Test
  void namespaceDocumentsAmongTheInputsLabelTheirNamespaceWhereverTheyCome() throws Exception {
    Path policies = policiesSelecting("{team: ml}");
    Path ns =
        TestModels.write(
            tmp.resolve("ns.yaml"),
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: inference\n  labels: {team: ml}\n");

    Cli.Result withNamespace =
        Cli.run("check", "--policies", policies, render("deployment-signed.yaml"), ns);
    Cli.Result without = Cli.run("check", "--policies", policies, render("deployment-signed.yaml"));

    assertThat(withNamespace.exitCode()).as(withNamespace.toString()).isZero();
    assertThat(withNamespace.err())
        .contains("NAMESPACE inference")
        .contains("team=ml")
        .contains("verified by ClusterModelPolicy/testdata-signed-models");
    assertThat(without.exitCode()).as(without.toString()).isEqualTo(1);
    assertThat(without.err()).contains("no policy");
  }

  @Test
  void dashReadsTheWorkloadsFromStdin() throws Exception {
    String yaml = Files.readString(render("deployment-tampered.yaml"));

    Cli.Result r = Cli.runWithStdin(yaml, "check", "--policies", "policies", "-");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err())
        .contains("DENY  Deployment inference/llm-server-tampered (stdin)")
        .contains("DIGEST_MISMATCH: file 'config.json'");
  }

  @Test
  void listIsUnwrappedAndEachItemReviewed() throws Exception {
    // kubectl get deploy -o yaml: kind List, items with their kind; the API's DeploymentList leaves
    // kind out of items.
    ObjectMapper yaml = new YAMLMapper();
    var signedDoc = yaml.readTree(render("deployment-signed.yaml").toFile());
    var tampered = (ObjectNode) yaml.readTree(render("deployment-tampered.yaml").toFile());
    tampered.remove("kind");
    var inner = yaml.createObjectNode().put("apiVersion", "apps/v1").put("kind", "DeploymentList");
    inner.putArray("items").add(tampered);
    var list = yaml.createObjectNode().put("apiVersion", "v1").put("kind", "List");
    list.putArray("items").add(signedDoc).add(inner);
    Path f = TestModels.write(tmp.resolve("list.yaml"), yaml.writeValueAsString(list));

    Cli.Result r = Cli.run("check", "--policies", "policies", f, "--json");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err())
        .contains("ADMIT Deployment inference/llm-server (")
        .contains("DENY  Deployment inference/llm-server-tampered (");
  }

  @Test
  void kindsTheWebhookIsNeverSentAreNotReviewedAndDoNotFail() throws Exception {
    // An Argo Rollout makes pods too, but is not a kind the webhook is sent (InferenceServices
    // and the other serving resources are: ServingCheckTest).
    String isvc =
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: llm, namespace: ml}\n"
            + "spec:\n  template:\n    spec:\n      containers: [{name: c, image: x}]\n"
            + "---\napiVersion: v1\nkind: Service\nmetadata: {name: llm, namespace: ml}\nspec: {ports: [{port: 80}]}\n";
    Path f = TestModels.write(tmp.resolve("isvc.yaml"), isvc);

    Cli.Result r = Cli.run("check", "--policies", "policies", f, "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err())
        .contains("SKIP  Rollout ml/llm (" + f + "): not reviewed by the webhook (its pods are)")
        .contains("SKIP  Service ml/llm (" + f + "): not reviewed by the webhook (it runs no pods)")
        .contains("no workload to review among 2 document(s)")
        .doesNotContain("DENY");
    assertThat(r.out()).contains("\"reviewed\" : false").contains("\"admitted\" : true");
  }

  @Test
  void notReviewedDocumentsNextToADeniedWorkloadStillExitOne() throws Exception {
    Path cm =
        TestModels.write(
            tmp.resolve("cm.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n");

    Cli.Result r =
        Cli.run("check", "--policies", "policies", cm, render("deployment-tampered.yaml"));

    assertThat(r.exitCode()).isEqualTo(1);
  }

  @Test
  void missingInputFileSaysNoSuchFile() {
    Cli.Result r = Cli.run("check", "--policies", "policies", tmp.resolve("nope.yaml"));

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("workload file " + tmp.resolve("nope.yaml") + ": no such file");
  }

  @Test
  void yamlErrorNamesTheLine() throws Exception {
    Path bad =
        TestModels.write(
            tmp.resolve("bad.yaml"),
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n    namespace: y\n");

    Cli.Result r = Cli.run("check", "--policies", "policies", bad);

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains(bad + " is not YAML or JSON at line 5, column");
  }

  @Test
  void anUnreachableEnforcedRegistryBesideAFailingAuditPolicyCouldNotDecide() throws Exception {
    // The Audit policy's failure denies nothing: the only denial is the registry that did not
    // answer, so check says "could not decide" (3), not "denied" (1).
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path policies = Files.createDirectories(tmp.resolve("mixed-policies"));
    SignedModel signed = SignedModel.create(Files.createDirectories(tmp.resolve("m2")));
    TestModels.write(
        policies.resolve("p.yaml"),
        AdmissionHarness.keyPolicy(
            "enforced", "Enforce", "oci://127.0.0.1:" + port + "/**", signed.publicKey, ""));
    TestModels.write(
        policies.resolve("a.yaml"),
        AdmissionHarness.keyPolicy("audited", "Audit", "file://**", signed.publicKey, ""));
    TestModels.write(signed.model.resolve("extra.bin"), "x");
    Path pod =
        TestModels.write(
            tmp.resolve("mixed-pod.yaml"),
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: llm\n  namespace: ml\n  annotations:\n"
                + "    model.modelgate.dev/llm: oci://127.0.0.1:"
                + port
                + "/models/llm:v1\n"
                + "    model.modelgate.dev/local: file://"
                + signed.model
                + "\nspec:\n  containers: [{name: s, image: server}]\n");

    Cli.Result r = Cli.run("check", "--policies", policies, pod);

    assertThat(r.err()).contains("audited");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
  }

  @Test
  void unreachableRegistrySaysWhyInWordsAndCouldNotDecide() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path policies = Files.createDirectories(tmp.resolve("oci-policies"));
    SignedModel signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    TestModels.write(
        policies.resolve("p.yaml"),
        AdmissionHarness.keyPolicy("oci", "Enforce", "oci://**", signed.publicKey, ""));
    Path pod =
        TestModels.write(
            tmp.resolve("pod.yaml"),
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: llm\n  namespace: ml\n  annotations:\n"
                + "    model.modelgate.dev/llm: oci://127.0.0.1:"
                + port
                + "/models/llm:v1\nspec:\n  containers: [{name: s, image: server}]\n");

    Cli.Result r = Cli.run("check", "--policies", policies, pod);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.err())
        .contains("registry 127.0.0.1:" + port + " cannot be reached: connection refused")
        .doesNotContain("java.");
  }

  @Test
  void policyYamlErrorNamesTheLineToo() throws Exception {
    Path policies = Files.createDirectories(tmp.resolve("broken-policies"));
    TestModels.write(
        policies.resolve("p.yaml"),
        "apiVersion: modelgate.dev/v1alpha1\nkind: ClusterModelPolicy\nmetadata:\n  name: p\n spec: {}\n");

    Cli.Result r = Cli.run("check", "--policies", policies, render("deployment-signed.yaml"));

    assertThat(r.err()).contains("p.yaml is not valid YAML at line 5, column");
  }
}
