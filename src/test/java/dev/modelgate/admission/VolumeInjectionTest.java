package dev.modelgate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.policy.CompileError;
import dev.modelgate.policy.DecisionText;
import dev.modelgate.policy.crd.DirectoryPolicyStore;
import dev.modelgate.policy.crd.PolicyCompiler;
import dev.modelgate.policy.crd.PolicyDocuments;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.SignedModel;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Models on volumes: /mutate injects the verifying init container (the patch applied to the object
 * gives a valid pod spec, and a second /mutate changes nothing), and admission decides what it can.
 */
class VolumeInjectionTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  AdmissionHarness harness;
  SignedModel signed;

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    harness = new AdmissionHarness(tmp);
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy("volumes", "Enforce", "pvc://**", signed.publicKey, ""));
  }

  static String podSpec(String indent, String initContainers, String appMount) {
    String s =
        "spec:\n"
            + initContainers
            + "  containers:\n    - name: server\n      image: server\n      volumeMounts: [{name: weights, mountPath: /models, subPath: llama"
            + appMount
            + "}]\n"
            + "  volumes:\n    - name: weights\n      persistentVolumeClaim: {claimName: models}\n";
    return s.replaceAll("(?m)^", indent);
  }

  static Stream<Arguments> kinds() {
    return Stream.of(
        Arguments.of(
            "Pod",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\n  namespace: ml\n  annotations: {model.modelgate.dev/llm: 'pvc://models/llama'}\n%s",
            ""),
        Arguments.of(
            "Deployment",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, namespace: ml}\nspec:\n  template:\n    metadata:\n      annotations: {model.modelgate.dev/llm: 'pvc://models/llama'}\n%s",
            "    "),
        Arguments.of(
            "StatefulSet",
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: w, namespace: ml}\nspec:\n  template:\n    metadata:\n      annotations: {model.modelgate.dev/llm: 'pvc://models/llama'}\n%s",
            "    "),
        Arguments.of(
            "Job",
            "apiVersion: batch/v1\nkind: Job\nmetadata: {name: w, namespace: ml}\nspec:\n  template:\n    metadata:\n      annotations: {model.modelgate.dev/llm: 'pvc://models/llama'}\n%s",
            "    "),
        Arguments.of(
            "CronJob",
            "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: w, namespace: ml}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        metadata:\n          annotations: {model.modelgate.dev/llm: 'pvc://models/llama'}\n%s",
            "        "));
  }

  private AdmissionOutcome mutate(JsonNode object) {
    var r =
        new AdmissionRequest(
            "admission.k8s.io/v1",
            "u",
            object.path("kind").asText(),
            "ml",
            "w",
            "CREATE",
            "",
            false,
            object,
            MissingNode.getInstance());
    return harness.service().review(r, Instant.now().plus(Duration.ofSeconds(10)), true);
  }

  private AdmissionOutcome validate(JsonNode object) {
    var r =
        new AdmissionRequest(
            "admission.k8s.io/v1",
            "u",
            object.path("kind").asText(),
            "ml",
            "w",
            "CREATE",
            "",
            false,
            object,
            MissingNode.getInstance());
    return harness.service().review(r, Instant.now().plus(Duration.ofSeconds(10)), false);
  }

  static JsonNode apply(AdmissionOutcome o, JsonNode object) {
    return JsonPatch.apply(JSON.valueToTree(o.patch()), object);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void mutateInjectsTheVerifierBeforeInitContainersThatDoNotWriteTheModelAndIsIdempotent(
      String kind, String template, String indent) throws Exception {
    String init = "  initContainers: [{name: prepare, image: busybox}]\n";
    JsonNode object = new YAMLMapper().readTree(String.format(template, podSpec(indent, init, "")));

    AdmissionOutcome first = mutate(object);
    JsonNode patched = apply(first, object);
    AdmissionOutcome again = mutate(patched);
    AdmissionOutcome validated = validate(patched);

    assertThat(first.allowed()).as(first.message()).isTrue();
    JsonNode spec =
        kind.equals("Pod")
            ? patched.path("spec")
            : kind.equals("CronJob")
                ? patched.at("/spec/jobTemplate/spec/template/spec")
                : patched.at("/spec/template/spec");
    JsonNode verifier = spec.path("initContainers").get(0);
    assertThat(verifier.path("name").asText()).isEqualTo("modelgate-verify-llm");
    assertThat(spec.path("initContainers").get(1).path("name").asText()).isEqualTo("prepare");
    assertThat(verifier.path("args").toString())
        .isEqualTo(
            "[\"verify-volume\",\"/modelgate/model/llama\",\"--model-uri\",\"pvc://models/llama\",\"--model-name\",\"llm\"]");
    assertThat(verifier.at("/volumeMounts/0"))
        .isEqualTo(
            JSON.readTree(
                "{\"name\":\"weights\",\"mountPath\":\"/modelgate/model\",\"readOnly\":true}"));
    assertThat(verifier.at("/env/0/value").asText())
        .contains("kind: ClusterModelPolicy")
        .contains("name: volumes");
    assertThat(verifier.at("/resources/requests/cpu").asText()).isEqualTo("100m");
    assertThat(again.patch()).as("second /mutate").isEmpty();
    assertThat(validated.allowed()).as(validated.message()).isTrue();
    assertThat(validated.verdicts())
        .singleElement()
        .satisfies(
            v ->
                assertThat(DecisionText.verdict(v, 3))
                    .contains("will be verified on the volume by ModelGate's init container"));
  }

  @Test
  void podWithoutInitContainersGetsTheListCreated() throws Exception {
    JsonNode pod =
        new YAMLMapper()
            .readTree(
                String.format((String) kinds().findFirst().get().get()[1], podSpec("", "", "")));

    JsonNode patched = apply(mutate(pod), pod);

    assertThat(patched.at("/spec/initContainers/0/name").asText())
        .isEqualTo("modelgate-verify-llm");
  }

  @Test
  void validatingAPodTheMutatingWebhookDidNotTouchIsDenied() throws Exception {
    JsonNode pod =
        new YAMLMapper()
            .readTree(
                String.format((String) kinds().findFirst().get().get()[1], podSpec("", "", "")));

    AdmissionOutcome o = validate(pod);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("the ModelGate verifier init container modelgate-verify-llm is missing");
  }

  @Test
  void tamperedInitContainerIsDenied() throws Exception {
    JsonNode pod =
        new YAMLMapper()
            .readTree(
                String.format((String) kinds().findFirst().get().get()[1], podSpec("", "", "")));
    JsonNode patched = apply(mutate(pod), pod);
    ((ObjectNode) patched.at("/spec/initContainers/0")).put("image", "evil/true:latest");

    AdmissionOutcome o = validate(patched);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("does not run the verifier ModelGate would inject");
  }

  @Test
  void claimTheWorkloadDoesNotMountIsDenied() throws Exception {
    JsonNode pod =
        new YAMLMapper()
            .readTree(
                String.format((String) kinds().findFirst().get().get()[1], podSpec("", "", ""))
                    .replace("claimName: models", "claimName: other"));

    AdmissionOutcome o = mutate(pod);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("the pod mounts no volume for pvc://models/llama");
  }

  @Test
  void modelPathEscapingTheVolumeIsDenied() throws Exception {
    JsonNode pod =
        new YAMLMapper()
            .readTree(
                String.format((String) kinds().findFirst().get().get()[1], podSpec("", "", ""))
                    .replace("pvc://models/llama", "pvc://models/../etc"));

    AdmissionOutcome o = mutate(pod);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("PATH_UNSAFE").contains("contains '..'");
  }

  @Test
  void requireReadOnlyMountsDeniesWritableAppMountsAndAdmitsReadOnlyOnes() throws Exception {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy(
            "volumes",
            "Enforce",
            "pvc://**",
            signed.publicKey,
            "  verification: {requireReadOnlyMounts: true}\n"));
    String template = (String) kinds().findFirst().get().get()[1];
    JsonNode writable = new YAMLMapper().readTree(String.format(template, podSpec("", "", "")));
    JsonNode readOnly =
        new YAMLMapper().readTree(String.format(template, podSpec("", "", ", readOnly: true")));

    AdmissionOutcome denied = mutate(writable);
    AdmissionOutcome admitted = validate(apply(mutate(readOnly), readOnly));

    assertThat(denied.allowed()).isFalse();
    assertThat(denied.message())
        .contains(
            "container 'server' mounts model volume 'weights' writable; policy ClusterModelPolicy/volumes requires read-only mounts");
    assertThat(admitted.allowed()).as(admitted.message()).isTrue();
  }

  @Test
  void policyDocumentHandedToTheVerifierCompilesAgain() throws Exception {
    JsonNode pod =
        new YAMLMapper()
            .readTree(
                String.format((String) kinds().findFirst().get().get()[1], podSpec("", "", "")));
    String env = apply(mutate(pod), pod).at("/spec/initContainers/0/env/0/value").asText();

    var compiled =
        DirectoryPolicyStore.compileAll(
            PolicyDocuments.parse(env, "env"), PolicyCompiler.withEmbeddedPublicGoodRoot());

    assertThat(compiled)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.ready()).as(CompileError.summary(p.errors())).isTrue();
              assertThat(p.displayName()).isEqualTo("ClusterModelPolicy/volumes");
            });
  }

  @Test
  void claimOtherPodsCanWriteIsAdmittedWithAWarning() throws Exception {
    harness.claims = (ns, claim) -> claim.equals("models") ? Set.of("ReadWriteMany") : Set.of();
    JsonNode pod =
        new YAMLMapper()
            .readTree(
                String.format((String) kinds().findFirst().get().get()[1], podSpec("", "", "")));

    AdmissionOutcome o = validate(apply(mutate(pod), pod));

    assertThat(o.allowed()).isTrue();
    assertThat(o.warnings())
        .singleElement()
        .asString()
        .contains(
            "claim models with access modes [ReadWriteMany]: other pods can write it while this one runs");
  }

  @Test
  void verifierWhosePoliciesOrCommandWereSwappedIsDenied() throws Exception {
    JsonNode pod =
        new YAMLMapper()
            .readTree(
                String.format((String) kinds().findFirst().get().get()[1], podSpec("", "", "")));
    JsonNode patched = apply(mutate(pod), pod);
    JsonNode weakPolicies = patched.deepCopy();
    ((ObjectNode) weakPolicies.at("/spec/initContainers/0/env/0"))
        .put("value", "---\napiVersion: v1\nkind: ConfigMap\n");
    JsonNode commandOverride = patched.deepCopy();
    ((ObjectNode) commandOverride.at("/spec/initContainers/0"))
        .putArray("command")
        .add("/bin/true");
    JsonNode defaulted = patched.deepCopy();
    ((ObjectNode) defaulted.at("/spec/initContainers/0"))
        .put("imagePullPolicy", "IfNotPresent")
        .put("terminationMessagePath", "/dev/termination-log");
    // envFrom could set JAVA_TOOL_OPTIONS=-javaagent:<a jar on the very volume being verified>.
    JsonNode envFrom = patched.deepCopy();
    ((ObjectNode) envFrom.at("/spec/initContainers/0"))
        .putArray("envFrom")
        .add(JSON.readTree("{\"configMapRef\":{\"name\":\"agent\"}}"));
    JsonNode workingDir = patched.deepCopy();
    ((ObjectNode) workingDir.at("/spec/initContainers/0")).put("workingDir", "/models");

    assertThat(validate(weakPolicies).message())
        .contains("does not run the verifier ModelGate would inject");
    assertThat(validate(commandOverride).message())
        .contains("does not run the verifier ModelGate would inject");
    assertThat(validate(envFrom).message())
        .contains("does not run the verifier ModelGate would inject");
    assertThat(validate(workingDir).message())
        .contains("does not run the verifier ModelGate would inject");
    assertThat(validate(defaulted).allowed())
        .as("fields the API server defaults are not tampering")
        .isTrue();
  }

  @Test
  void verifierTurnedIntoASidecarOrPrecededByAReaderOfTheVolumeIsDenied() throws Exception {
    String template = (String) kinds().findFirst().get().get()[1];
    JsonNode pod = new YAMLMapper().readTree(String.format(template, podSpec("", "", "")));
    JsonNode sidecar = apply(mutate(pod), pod);
    ((ObjectNode) sidecar.at("/spec/initContainers/0")).put("restartPolicy", "Always");
    JsonNode withLoader = new YAMLMapper().readTree(String.format(template, podSpec("", "", "")));
    JsonNode readerFirst = apply(mutate(withLoader), withLoader);
    ((ArrayNode) readerFirst.at("/spec/initContainers"))
        .insert(
            0,
            JSON.readTree(
                "{\"name\":\"loader\",\"image\":\"loader\",\"volumeMounts\":[{\"name\":\"weights\",\"mountPath\":\"/m\",\"readOnly\":true}]}"));

    assertThat(validate(sidecar).message())
        .contains("does not run the verifier ModelGate would inject");
    assertThat(validate(readerFirst).message())
        .contains(
            "init container 'loader' mounts model volume 'weights' before modelgate-verify-llm has verified it");
  }

  @Test
  void appContainerNamedLikeTheVerifierGetsNoReadOnlyExemption() throws Exception {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy(
            "volumes",
            "Enforce",
            "pvc://**",
            signed.publicKey,
            "  verification: {requireReadOnlyMounts: true}\n"));
    String template = (String) kinds().findFirst().get().get()[1];
    JsonNode pod =
        new YAMLMapper()
            .readTree(
                String.format(
                    template,
                    podSpec("", "", "").replace("name: server", "name: modelgate-verify-server")));

    AdmissionOutcome o = validate(apply(mutate(pod), pod));

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("container 'modelgate-verify-server' mounts model volume 'weights' writable");
  }

  @Test
  void signatureAnnotationEscapingTheVolumeIsDeniedBeforeAnythingIsInjected() throws Exception {
    String template =
        ((String) kinds().findFirst().get().get()[1])
            .replace(
                "'pvc://models/llama'}",
                "'pvc://models/llama', signature.modelgate.dev/llm: '../../etc/passwd'}");
    JsonNode pod = new YAMLMapper().readTree(String.format(template, podSpec("", "", "")));

    AdmissionOutcome o = mutate(pod);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("PATH_UNSAFE");
    assertThat(o.patch()).isEmpty();
  }

  @Test
  void ephemeralContainerMountingTheModelWritableIsDeniedThroughItsSubresource() throws Exception {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy(
            "volumes",
            "Enforce",
            "pvc://**",
            signed.publicKey,
            "  verification: {requireReadOnlyMounts: true}\n"));
    JsonNode pod =
        new YAMLMapper()
            .readTree(
                String.format(
                    (String) kinds().findFirst().get().get()[1],
                    podSpec("", "", ", readOnly: true")));
    JsonNode running = apply(mutate(pod), pod);
    JsonNode debugged = running.deepCopy();
    ((ObjectNode) debugged.path("spec"))
        .putArray("ephemeralContainers")
        .add(
            JSON.readTree(
                "{\"name\":\"debug\",\"image\":\"busybox\",\"volumeMounts\":[{\"name\":\"weights\",\"mountPath\":\"/m\"}]}"));
    var r =
        new AdmissionRequest(
            "admission.k8s.io/v1",
            "u",
            "Pod",
            "ml",
            "w",
            "UPDATE",
            "ephemeralcontainers",
            false,
            debugged,
            running);

    AdmissionOutcome o =
        harness.service().review(r, Instant.now().plus(Duration.ofSeconds(10)), false);

    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("container 'debug' mounts model volume 'weights' writable");
  }

  @Test
  void declaredVolumeAnInitContainerFillsIsVerifiedAfterItAndCheckedInThatOrder() throws Exception {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy(
            "volumes",
            "Enforce",
            "volume://**",
            signed.publicKey,
            "  verification: {requireReadOnlyMounts: true}\n"));
    JsonNode pod =
        new YAMLMapper()
            .readTree(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\n  namespace: ml\n  annotations: {model.modelgate.dev/llm: 'volume://weights/llama'}\n"
                    + "spec:\n  initContainers:\n    - {name: fetch, image: curl, volumeMounts: [{name: weights, mountPath: /w}]}\n"
                    + "    - {name: warm, image: warm, restartPolicy: Always}\n"
                    + "  containers:\n    - {name: server, image: server, volumeMounts: [{name: weights, mountPath: /models, readOnly: true}]}\n"
                    + "  volumes:\n    - {name: weights, emptyDir: {}}\n");

    JsonNode patched = apply(mutate(pod), pod);
    AdmissionOutcome validated = validate(patched);

    assertThat(patched.at("/spec/initContainers"))
        .extracting(c -> c.path("name").asText())
        .containsExactly("fetch", "modelgate-verify-llm", "warm");
    assertThat(validated.allowed()).as(validated.message()).isTrue();
  }
}
