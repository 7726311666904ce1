package dev.modelgate.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.core.Failure;
import dev.modelgate.inpod.VerifiedClaims;
import dev.modelgate.policy.Finding;
import dev.modelgate.report.Evaluation;
import dev.modelgate.report.ObjectReference;
import dev.modelgate.report.PolicyResult;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.RecordingReportSink;
import dev.modelgate.testing.SignedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers of verified claims (MODEL_CLAIM_WRITER): a workload that mounts writable a claim a
 * policy's model lives on is judged by that policy, unless the policy names it in {@code
 * spec.claimWriters}. The model's pod here is the pod /mutate made, its verifier read back as the
 * cluster's pods are ({@link VerifiedClaims#inPod}).
 *
 * <p>The typical writer a policy names is a download Job. KServe's LocalModelNode agent creates one
 * per model and node: kserve/kserve
 * pkg/controller/v1alpha1/localmodelnode/controller.go @002b479744a953bd631d927bea9de2a2135825fa
 * (launchJob: Job {@code <model>-<node>} by generateName in the {@code jobNamespace} of the
 * localModel config, {@code kserve-localmodel-jobs} in KServe's docs, labels {@code model} and
 * {@code node} on the Job only, the pod template unlabelled; one container {@code
 * kserve-localmodel-download}, image {@code kserve/storage-initializer:latest}, args {@code
 * [sourceModelUri, /mnt/models]}, mount {@code kserve-pvc-source} at {@code /mnt/models}, {@code
 * ReadOnly: false}, subPath {@code models/<model>}, on claim {@code <model>}; restartPolicy Never;
 * fsGroup). Its template has no labels a selector could pick, so the policy names its namespace.
 */
class ClaimWritersTest {
  static final YAMLMapper YAML = new YAMLMapper();
  @TempDir Path tmp;
  AdmissionHarness harness;
  SignedModel signed;

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    harness = new AdmissionHarness(tmp);
    harness.namespaceLabels.put("ml", Map.of("kubernetes.io/metadata.name", "ml"));
    harness.namespaceLabels.put(
        "kserve-localmodel-jobs", Map.of("kubernetes.io/metadata.name", "kserve-localmodel-jobs"));
  }

  /** The policy, but selecting the serving workloads only: every model they use. */
  private void servingPolicy(String mode, String extra) {
    harness.policy(
        "serving.yaml",
        AdmissionHarness.keyPolicy("serving-models", mode, "**", signed.publicKey, extra)
            .replace(
                "  match:\n",
                "  match:\n    workloadSelector: {matchLabels: {app: llama-server}}\n"));
  }

  /** The model's pod, as /mutate made it: the verifier of pvc://models/llama injected. */
  private JsonNode servingPod() throws Exception {
    JsonNode pod =
        YAML.readTree(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: llama-server-0\n  namespace: ml\n"
                + "  labels: {app: llama-server}\n"
                + "  annotations: {model.modelgate.dev/llama: 'pvc://models/llama'}\n"
                + "spec:\n  containers:\n    - name: server\n      image: vllm/vllm-openai:v0.8.5\n"
                + "      args: [--model, /models/llama]\n"
                + "      volumeMounts: [{name: weights, mountPath: /models/llama, subPath: llama, readOnly: true}]\n"
                + "  volumes:\n    - {name: weights, persistentVolumeClaim: {claimName: models}}\n");
    AdmissionOutcome mutated = harness.review(pod, true);
    assertThat(mutated.allowed()).as(mutated.message()).isTrue();
    JsonNode patched = AdmissionHarness.patched(mutated, pod);
    AdmissionOutcome validated = harness.review(patched, false);
    assertThat(validated.allowed()).as(validated.message()).isTrue();
    return patched;
  }

  /** The cluster's pods of namespace ml are {@code pods}. */
  private void running(JsonNode... pods) {
    harness.verifiedClaims =
        namespace -> {
          List<VerifiedClaims.ClaimModel> out = new ArrayList<>();
          if (namespace.equals("ml")) {
            for (JsonNode p : pods) {
              out.addAll(VerifiedClaims.inPod(p));
            }
          }
          return out;
        };
  }

  /** A plain Deployment with one container mounting claim {@code claim}, as {@code mount} says. */
  private static JsonNode deployment(String name, String app, String mount, String claimVolume)
      throws Exception {
    return YAML.readTree(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: "
            + name
            + ", namespace: ml}\n"
            + "spec:\n  selector: {matchLabels: {app: "
            + app
            + "}}\n  template:\n    metadata:\n      labels: {app: "
            + app
            + "}\n    spec:\n      containers:\n        - name: "
            + name
            + "\n          image: python:3.12\n          command: [python, train.py, --output, /data/llama]\n"
            + "          volumeMounts: ["
            + mount
            + "]\n      volumes:\n        - "
            + claimVolume
            + "\n");
  }

  private static final String WRITABLE = "{name: data, mountPath: /data}";
  private static final String MODELS_CLAIM =
      "{name: data, persistentVolumeClaim: {claimName: models}}";

  /**
   * KServe's LocalModelNode download Job (launchJob), in {@code namespace}, for claim {@code
   * model}.
   */
  private static JsonNode kserveDownloadJob(String namespace, String model) throws Exception {
    return YAML.readTree(
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: "
            + model
            + "-node-1-x7k2p\n  generateName: "
            + model
            + "-node-1\n  namespace: "
            + namespace
            + "\n  labels: {model: "
            + model
            + ", node: node-1}\n"
            + "spec:\n  ttlSecondsAfterFinished: 3600\n  template:\n    spec:\n      nodeName: node-1\n"
            + "      restartPolicy: Never\n      securityContext: {fsGroup: 1000}\n      containers:\n"
            + "        - name: kserve-localmodel-download\n          image: kserve/storage-initializer:latest\n"
            + "          terminationMessagePolicy: FallbackToLogsOnError\n"
            + "          args: ['hf://meta-llama/meta-llama-3-8b-instruct', /mnt/models]\n"
            + "          volumeMounts: [{name: kserve-pvc-source, mountPath: /mnt/models, readOnly: false, subPath: models/"
            + model
            + "}]\n      volumes:\n        - {name: kserve-pvc-source, persistentVolumeClaim: {claimName: "
            + model
            + "}}\n");
  }

  private AdmissionOutcome validate(JsonNode object) {
    return harness.review(object, object.at("/metadata/namespace").asText(), false);
  }

  private static List<String> reasons(AdmissionOutcome o) {
    return o.verdicts().stream()
        .flatMap(v -> v.failures().stream())
        .map(f -> f.reason().code())
        .toList();
  }

  @Test
  void aDeploymentMountingAVerifiedModelsClaimWritableIsDeniedNamingContainerVolumeClaimAndModel()
      throws Exception {
    servingPolicy("Enforce", "");
    running(servingPod());

    AdmissionOutcome o = validate(deployment("trainer", "trainer", WRITABLE, MODELS_CLAIM));

    assertThat(o.allowed()).isFalse();
    assertThat(o.modelsFound()).isZero();
    assertThat(reasons(o)).containsExactly("MODEL_CLAIM_WRITER");
    assertThat(o.message())
        .contains(
            "model 'llama' (pvc://models/llama) failed ClusterModelPolicy/serving-models: MODEL_CLAIM_WRITER: container 'trainer' mounts claim models (volume 'data') writable")
        .contains(
            "the claim holds this model of ClusterModelPolicy/serving-models (verified on it for Pod/llama-server-0)")
        .contains("name this workload in spec.claimWriters of ClusterModelPolicy/serving-models");
    Failure f = o.verdicts().get(0).failures().get(0);
    assertThat(f.field())
        .hasValueSatisfying(
            p ->
                assertThat(p.toString())
                    .isEqualTo("spec.template.spec.volumes[0].persistentVolumeClaim"));
  }

  @Test
  void theSameWriterIsAdmittedWithAReadOnlyMountOrAReadOnlyClaim() throws Exception {
    servingPolicy("Enforce", "");
    running(servingPod());

    AdmissionOutcome mountReadOnly =
        validate(
            deployment(
                "reader",
                "reader",
                "{name: data, mountPath: /data, readOnly: true}",
                MODELS_CLAIM));
    AdmissionOutcome claimReadOnly =
        validate(
            deployment(
                "reader",
                "reader",
                WRITABLE,
                "{name: data, persistentVolumeClaim: {claimName: models, readOnly: true}}"));
    AdmissionOutcome otherClaim =
        validate(
            deployment(
                "trainer",
                "trainer",
                WRITABLE,
                "{name: data, persistentVolumeClaim: {claimName: scratch}}"));

    assertThat(mountReadOnly.allowed()).as(mountReadOnly.message()).isTrue();
    assertThat(claimReadOnly.allowed()).as(claimReadOnly.message()).isTrue();
    assertThat(otherClaim.allowed()).as(otherClaim.message()).isTrue();
    assertThat(mountReadOnly.warnings()).isEmpty();
  }

  @Test
  void everyKindOfContainerThatWritesIsNamedOnce() throws Exception {
    servingPolicy("Enforce", "");
    running(servingPod());
    ObjectNode d = (ObjectNode) deployment("trainer", "trainer", WRITABLE, MODELS_CLAIM);
    ObjectNode spec = (ObjectNode) d.at("/spec/template/spec");
    ArrayNode init = spec.putArray("initContainers");
    init.addObject()
        .put("name", "unpack")
        .put("image", "busybox")
        .putArray("volumeMounts")
        .add(YAML.readTree("{name: data, mountPath: /a}"))
        .add(YAML.readTree("{name: data, mountPath: /b, subPath: llama}"));

    AdmissionOutcome o = validate(d);

    assertThat(o.allowed()).isFalse();
    assertThat(o.verdicts()).hasSize(1);
    assertThat(o.verdicts().get(0).failures())
        .extracting(Failure::message)
        .satisfiesExactly(
            m -> assertThat(m).startsWith("container 'unpack' mounts claim models"),
            m -> assertThat(m).startsWith("container 'trainer' mounts claim models"));
  }

  @Test
  void aClaimAPvcGlobNamesIsAModelClaimBeforeAnyPodVerifiedOnIt() throws Exception {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy("claims", "Enforce", "pvc://models-*/**", signed.publicKey, ""));

    AdmissionOutcome named =
        validate(
            deployment(
                "trainer",
                "trainer",
                WRITABLE,
                "{name: data, persistentVolumeClaim: {claimName: models-a}}"));
    AdmissionOutcome notNamed =
        validate(
            deployment(
                "trainer",
                "trainer",
                WRITABLE,
                "{name: data, persistentVolumeClaim: {claimName: postgres-data}}"));

    assertThat(named.allowed()).isFalse();
    assertThat(named.message())
        .contains("model 'models-a' (pvc://models-a) failed ClusterModelPolicy/claims")
        .contains("(a pvc:// glob of its match.models names the claim)");
    assertThat(notNamed.allowed()).as(notNamed.message()).isTrue();
  }

  @Test
  void kserveLocalModelDownloadJobIsAdmittedWhereThePolicyNamesItsWritersAndDeniedElsewhere()
      throws Exception {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy(
            "local-models",
            "Enforce",
            "pvc://llama-3-8b/**",
            signed.publicKey,
            "  claimWriters:\n"
                + "    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kserve-localmodel-jobs}}\n"
                + "      workloadSelector: {}\n"
                + "      claims: [llama-3-8b]\n"));

    AdmissionOutcome inJobNamespace =
        validate(kserveDownloadJob("kserve-localmodel-jobs", "llama-3-8b"));
    AdmissionOutcome elsewhere = validate(kserveDownloadJob("ml", "llama-3-8b"));

    assertThat(inJobNamespace.allowed()).as(inJobNamespace.message()).isTrue();
    assertThat(inJobNamespace.warnings()).isEmpty();
    // It writes the model: no model is read from kserve-pvc-source, and no verifier is injected
    // before the download (which would verify an empty or stale directory).
    assertThat(inJobNamespace.modelsFound()).isZero();
    assertThat(
            harness
                .service()
                .review(
                    AdmissionHarness.create(
                        YAML.writeValueAsString(
                            kserveDownloadJob("kserve-localmodel-jobs", "llama-3-8b"))),
                    java.time.Instant.now().plusSeconds(10),
                    true)
                .patch())
        .isEmpty();
    assertThat(elsewhere.allowed()).isFalse();
    assertThat(elsewhere.message())
        .contains(
            "MODEL_CLAIM_WRITER: container 'kserve-localmodel-download' mounts claim llama-3-8b (volume 'kserve-pvc-source') writable");
  }

  @Test
  void aDownloadJobTheWorkloadSelectorNamesIsAdmittedAndOtherWritersAreNot() throws Exception {
    servingPolicy(
        "Enforce",
        "  claimWriters:\n    - workloadSelector: {matchLabels: {app: model-downloader}}\n"
            + "      claims: ['models', 'cache-*']\n");
    running(servingPod());

    AdmissionOutcome downloader =
        validate(deployment("downloader", "model-downloader", WRITABLE, MODELS_CLAIM));
    AdmissionOutcome trainer = validate(deployment("trainer", "trainer", WRITABLE, MODELS_CLAIM));

    assertThat(downloader.allowed()).as(downloader.message()).isTrue();
    assertThat(trainer.allowed()).isFalse();
    assertThat(reasons(trainer)).containsExactly("MODEL_CLAIM_WRITER");
  }

  @Test
  void underWarnTheWriterIsAdmittedWithAWarningAnEventAndAReportResultAndUnderAuditRecorded()
      throws Exception {
    RecordingReportSink sink = new RecordingReportSink();
    harness.reports = new AdmissionReports(sink, Clock.systemUTC());
    servingPolicy("Warn", "");
    running(servingPod());
    sink.merged.clear();
    harness.events.clear();

    AdmissionOutcome o = validate(deployment("trainer", "trainer", WRITABLE, MODELS_CLAIM));

    assertThat(o.allowed()).isTrue();
    assertThat(o.warnings())
        .singleElement()
        .asString()
        .contains("MODEL_CLAIM_WRITER: container 'trainer' mounts claim models");
    assertThat(harness.events).singleElement().isSameAs(o);
    assertThat(sink.merged)
        .allSatisfy(w -> assertThat(w.evaluation()).isEqualTo(Evaluation.ADMISSION));
    assertThat(sink.results())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.result()).isEqualTo(PolicyResult.WARN);
              assertThat(r.policy()).isEqualTo("ClusterModelPolicy/serving-models");
              assertThat(r.properties())
                  .containsEntry("reasons", "MODEL_CLAIM_WRITER")
                  .containsEntry("model", "llama")
                  .containsEntry("mode", "Warn");
              assertThat(r.resources())
                  .extracting(ObjectReference::name)
                  .containsExactly("trainer");
            });

    servingPolicy("Audit", "");
    sink.merged.clear();
    harness.events.clear();
    AdmissionOutcome audited = validate(deployment("trainer", "trainer", WRITABLE, MODELS_CLAIM));

    assertThat(audited.allowed()).isTrue();
    assertThat(audited.warnings()).isEmpty();
    assertThat(sink.results())
        .singleElement()
        .satisfies(r -> assertThat(r.result()).isEqualTo(PolicyResult.FAIL));
  }

  @Test
  void aPodDeclaringTheModelOnTheClaimIsJudgedByTheVolumeRulesNotTwice() throws Exception {
    servingPolicy("Enforce", "  verification: {requireReadOnlyMounts: true}\n");
    JsonNode model = servingPod();
    running(model);
    // The serving pod itself, its model's mount made writable: MODEL_MOUNT_WRITABLE, and only that.
    ObjectNode writable = model.deepCopy();
    ((ObjectNode) writable.at("/spec/containers/0/volumeMounts/0")).put("readOnly", false);

    AdmissionOutcome o = validate(writable);

    assertThat(o.allowed()).isFalse();
    assertThat(reasons(o)).containsExactly("MODEL_MOUNT_WRITABLE");
  }

  @Test
  void declaringAModelOnTheClaimThatAnotherPolicyMatchesDoesNotExemptTheWriter() throws Exception {
    servingPolicy("Enforce", "");
    harness.policy(
        "other.yaml",
        AdmissionHarness.keyPolicy(
            "research-models", "Enforce", "pvc://models/llama", signed.publicKey, ""));
    running(servingPod());
    // Declaring the verified model as its own does not make the trainer a model pod of
    // serving-models, whose selector does not pick it: that policy still judges it as a writer.
    ObjectNode d =
        (ObjectNode)
            deployment(
                "trainer",
                "trainer",
                "{name: data, mountPath: /data, subPath: llama}",
                MODELS_CLAIM);
    ((ObjectNode) d.at("/spec/template/metadata"))
        .putObject("annotations")
        .put("model.modelgate.dev/llama", "pvc://models/llama");

    AdmissionOutcome o = harness.review(d, true);

    assertThat(o.allowed()).isFalse();
    assertThat(o.modelsFound()).isEqualTo(1);
    assertThat(o.verdicts())
        .filteredOn(v -> !v.passed())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.policy()).hasValue("ClusterModelPolicy/serving-models");
              assertThat(v.failures())
                  .extracting(f -> f.reason().code())
                  .containsExactly("MODEL_CLAIM_WRITER");
            });
  }

  @Test
  void aSecondVolumeOnTheClaimWithoutTheReadOnlyFlagIsAWriter() throws Exception {
    servingPolicy("Enforce", "");
    running(servingPod());
    ObjectNode d =
        (ObjectNode)
            deployment(
                "trainer",
                "trainer",
                "{name: data, mountPath: /data}, {name: again, mountPath: /again}",
                "{name: data, persistentVolumeClaim: {claimName: models, readOnly: true}}\n"
                    + "        - {name: again, persistentVolumeClaim: {claimName: models}}");

    AdmissionOutcome o = validate(d);

    assertThat(o.allowed()).isFalse();
    assertThat(o.verdicts().get(0).failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.message()).contains("mounts claim models (volume 'again') writable");
              assertThat(f.field().map(Object::toString))
                  .hasValue("spec.template.spec.volumes[1].persistentVolumeClaim");
            });
  }

  @Test
  void aStatefulSetsOwnClaimTemplatesAreNotAnotherWorkloadsModelClaim() throws Exception {
    harness.policy(
        "p.yaml",
        AdmissionHarness.keyPolicy("claims", "Enforce", "pvc://data*/**", signed.publicKey, ""));
    JsonNode set =
        YAML.readTree(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: pg, namespace: ml}\n"
                + "spec:\n  serviceName: pg\n  selector: {matchLabels: {app: pg}}\n"
                + "  template:\n    metadata: {labels: {app: pg}}\n    spec:\n      containers:\n"
                + "        - name: postgres\n          image: postgres:16\n"
                + "          volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]\n"
                + "  volumeClaimTemplates:\n    - metadata: {name: data}\n"
                + "      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n");

    AdmissionOutcome o = validate(set);

    assertThat(o.allowed()).as(o.message()).isTrue();
  }

  @Test
  void whenThePodsCannotBeReadAWriterIsDeniedUnavailableUnlessOnErrorAllows() throws Exception {
    servingPolicy("Enforce", "");
    harness.verifiedClaims =
        namespace -> {
          throw new IllegalStateException("pods is forbidden: HTTP 403");
        };

    AdmissionOutcome denied = validate(deployment("trainer", "trainer", WRITABLE, MODELS_CLAIM));
    AdmissionOutcome reader =
        validate(
            deployment(
                "reader",
                "reader",
                "{name: data, mountPath: /data, readOnly: true}",
                MODELS_CLAIM));
    servingPolicy("Enforce", "  onError: Allow\n");
    AdmissionOutcome allowed = validate(deployment("trainer", "trainer", WRITABLE, MODELS_CLAIM));

    assertThat(denied.allowed()).isFalse();
    assertThat(reasons(denied)).containsExactly("UNAVAILABLE");
    assertThat(denied.message())
        .contains("the pods of namespace ml could not be read (pods is forbidden: HTTP 403)");
    assertThat(reader.allowed()).as("no writer, no lookup").isTrue();
    assertThat(allowed.allowed()).isTrue();
    assertThat(allowed.warnings())
        .singleElement()
        .asString()
        .contains("UNAVAILABLE")
        .contains("admitted unverified: onError Allow");
  }

  @Test
  void aRunningWritersLabelUpdatePassesAndANewEphemeralWriterIsDenied() throws Exception {
    servingPolicy("Enforce", "");
    running(servingPod());
    JsonNode before =
        YAML.readTree(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: trainer, namespace: ml, labels: {app: trainer}}\n"
                + "spec:\n  containers: [{name: trainer, image: python:3.12, volumeMounts: [{name: data, mountPath: /data, readOnly: true}]}]\n"
                + "  volumes: [{name: data, persistentVolumeClaim: {claimName: models}}]\n");
    ObjectNode relabelled = before.deepCopy();
    ((ObjectNode) relabelled.at("/metadata/labels")).put("team", "research");
    ObjectNode debugged = before.deepCopy();
    ((ObjectNode) debugged.at("/spec"))
        .set(
            "ephemeralContainers",
            YAML.readTree(
                "[{name: debugger, image: busybox, volumeMounts: [{name: data, mountPath: /data}]}]"));
    ObjectNode writerBefore = before.deepCopy();
    ((ObjectNode) writerBefore.at("/spec/containers/0/volumeMounts/0")).put("readOnly", false);
    ObjectNode writerRelabelled = writerBefore.deepCopy();
    ((ObjectNode) writerRelabelled.at("/metadata/labels")).put("team", "research");

    AdmissionOutcome label = update(writerRelabelled, writerBefore, "");
    AdmissionOutcome debug = update(debugged, before, "ephemeralcontainers");

    assertThat(label.allowed()).as(label.message()).isTrue();
    assertThat(debug.allowed()).isFalse();
    assertThat(debug.message())
        .contains("MODEL_CLAIM_WRITER: container 'debugger' mounts claim models (volume 'data')");
  }

  private AdmissionOutcome update(JsonNode now, JsonNode before, String subResource) {
    return harness.review(
        new AdmissionRequest(
            "admission.k8s.io/v1",
            "u",
            "Pod",
            "ml",
            now.at("/metadata/name").asText(),
            "UPDATE",
            subResource,
            false,
            now,
            before));
  }

  @Test
  void aWriterInAnotherNamespaceWritesAnotherClaim() throws Exception {
    servingPolicy("Enforce", "");
    running(servingPod());
    harness.namespaceLabels.put("research", Map.of("kubernetes.io/metadata.name", "research"));
    ObjectNode d = (ObjectNode) deployment("trainer", "trainer", WRITABLE, MODELS_CLAIM);
    ((ObjectNode) d.path("metadata")).put("namespace", "research");

    AdmissionOutcome o = validate(d);

    assertThat(o.allowed()).as(o.message()).isTrue();
  }

  @Test
  void aDryRunIsDecidedAlikeWithoutAnEvent() throws Exception {
    servingPolicy("Warn", "");
    running(servingPod());
    harness.events.clear();

    AdmissionOutcome o =
        harness.review(
            AdmissionHarness.dryRun(
                AdmissionHarness.create(
                    YAML.writeValueAsString(
                        deployment("trainer", "trainer", WRITABLE, MODELS_CLAIM)))));

    assertThat(o.allowed()).isTrue();
    assertThat(o.decision().warnings()).extracting(Finding::failures).hasSize(1);
    assertThat(harness.events).isEmpty();
  }
}
