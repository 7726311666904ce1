package dev.modelgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Failure;
import dev.modelgate.core.FieldPath;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.policy.crd.DirectoryPolicyStore;
import dev.modelgate.policy.crd.PolicyCompiler;
import dev.modelgate.policy.crd.PolicyDocuments;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelUri;
import dev.modelgate.source.Placement;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import dev.modelgate.verify.ModelVerificationService;
import dev.modelgate.verify.ModelVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy engine on its own: every matching policy must pass, the mode is applied in one place,
 * onError waives only UNAVAILABLE, a broken policy and every unknown branch deny. Real keys, a real
 * signed model on disk, policies compiled from YAML.
 */
class PolicyEngineTest {
  private static final String FIELD = "metadata.annotations[model.modelgate.dev/llm]";
  private static final VolumeCheck NO_VOLUME_PROBLEMS = (m, p) -> List.of();

  @TempDir Path tmp;
  SignedModel signed;
  ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("models")));
  }

  @AfterEach
  void tearDown() {
    threads.shutdownNow();
  }

  private ModelReference model() {
    return new ModelReference("llm", ModelUri.parse("file://" + signed.model), "", FIELD);
  }

  private PolicyEngine engine(NoMatchBehaviour noMatch, ExecutorService pool, String... yaml) {
    List<CompiledPolicy> policies =
        DirectoryPolicyStore.compileAll(
            PolicyDocuments.parse(String.join("\n---\n", yaml), "test"),
            PolicyCompiler.withEmbeddedPublicGoodRoot());
    PolicyStore store =
        new PolicyStore() {
          @Override
          public List<CompiledPolicy> policies() {
            return policies;
          }

          @Override
          public boolean ready() {
            return true;
          }
        };
    return new PolicyEngine(
        store,
        new ModelVerificationService(new ModelVerifier(ModelHasher.allCores()), pool, true),
        noMatch);
  }

  private PolicyEngine engine(String... yaml) {
    return engine(NoMatchBehaviour.DENY, threads, yaml);
  }

  private String policy(String name, String mode, String extra) {
    return AdmissionHarness.keyPolicy(name, mode, "file://**", signed.publicKey, extra);
  }

  private static WorkloadContext workload(ModelReference... models) {
    return new WorkloadContext(
        "Pod", "ml", "llm-0", Map.of(), Map.of("app", "llm"), List.of(models));
  }

  private static Instant soon() {
    return Instant.now().plus(Duration.ofSeconds(30));
  }

  private PolicyDecision decide(PolicyEngine e, ModelReference... models) {
    return e.decide(workload(models), soon(), NO_VOLUME_PROBLEMS);
  }

  private void tamper() {
    TestModels.write(signed.model.resolve("config.json"), "changed");
  }

  @Test
  void aSignedModelIsAllowedWithItsVerdict() {
    PolicyDecision d = decide(engine(policy("signed", "Enforce", "")), model());

    assertThat(d.kind()).isEqualTo(PolicyDecision.Kind.ALLOW);
    assertThat(d.verdicts())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.passed()).isTrue();
              assertThat(v.policy()).hasValue("ClusterModelPolicy/signed");
              assertThat(v.signer()).isPresent();
              assertThat(v.pinned()).as("file:// models are never pinned").isEmpty();
            });
  }

  @Test
  void aTamperedModelIsDeniedWithFailuresAboutTheFieldThatNamedIt() {
    tamper();

    PolicyDecision d = decide(engine(policy("signed", "Enforce", "")), model());

    assertThat(d.kind()).isEqualTo(PolicyDecision.Kind.DENY);
    assertThat(d.denials()).singleElement().isInstanceOf(Finding.OfModel.class);
    assertThat(d.denials().get(0).failures())
        .extracting(Failure::reason)
        .contains(Reason.DIGEST_MISMATCH);
    assertThat(d.denials().get(0).failures())
        .extracting(Failure::field)
        .allSatisfy(f -> assertThat(f).hasValue(FieldPath.of(FIELD)));
  }

  @Test
  void warnModeWarnsAndAuditModeOnlyRecords() {
    tamper();

    PolicyDecision warned = decide(engine(policy("w", "Warn", "")), model());
    PolicyDecision audited = decide(engine(policy("a", "Audit", "")), model());

    assertThat(warned.kind()).isEqualTo(PolicyDecision.Kind.ALLOW_WITH_WARNINGS);
    assertThat(warned.warnings()).singleElement().isInstanceOf(Finding.OfModel.class);
    assertThat(audited.kind()).isEqualTo(PolicyDecision.Kind.ALLOW);
    assertThat(audited.verdicts()).singleElement().satisfies(v -> assertThat(v.passed()).isFalse());
  }

  @Test
  void everyMatchingPolicyMustPass() {
    String other = AdmissionHarness.keyPolicy("other-key", "Enforce", "file://**", otherKey(), "");

    PolicyDecision d = decide(engine(policy("signed", "Enforce", ""), other), model());

    assertThat(d.kind()).isEqualTo(PolicyDecision.Kind.DENY);
    assertThat(d.verdicts()).hasSize(2);
    assertThat(d.verdicts())
        .filteredOn(ModelVerdict::passed)
        .extracting(v -> v.policy().orElseThrow())
        .containsExactly("ClusterModelPolicy/signed");
  }

  private Path otherKey() {
    return SignedModel.create(tmp.resolve("other")).publicKey;
  }

  @Test
  void aModelNoPolicyMatchesFollowsNoMatch() {
    String elsewhere =
        AdmissionHarness.keyPolicy("oci", "Enforce", "oci://**", signed.publicKey, "");

    PolicyDecision denied = decide(engine(NoMatchBehaviour.DENY, threads, elsewhere), model());
    PolicyDecision warned = decide(engine(NoMatchBehaviour.WARN, threads, elsewhere), model());
    PolicyDecision allowed = decide(engine(NoMatchBehaviour.ALLOW, threads, elsewhere), model());

    assertThat(denied.kind()).isEqualTo(PolicyDecision.Kind.DENY);
    assertThat(denied.verdicts())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.policy()).isEmpty();
              assertThat(v.failures())
                  .extracting(Failure::reason)
                  .containsExactly(Reason.NO_POLICY);
            });
    assertThat(warned.kind()).isEqualTo(PolicyDecision.Kind.ALLOW_WITH_WARNINGS);
    assertThat(allowed.kind()).isEqualTo(PolicyDecision.Kind.ALLOW);
    assertThat(allowed.verdicts()).isEmpty();
  }

  @Test
  void aPolicyThatDoesNotCompileDeniesWhatItMatchesEvenInWarnMode() {
    String brokenKey =
        "apiVersion: modelgate.dev/v1alpha1\nkind: ClusterModelPolicy\nmetadata: {name: broken}\n"
            + "spec:\n  mode: Warn\n  authorities:\n    - name: k\n      key: {publicKey: 'not a key'}\n";

    PolicyDecision d = decide(engine(brokenKey), model());

    assertThat(d.kind()).isEqualTo(PolicyDecision.Kind.DENY);
    assertThat(d.denials().get(0).failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.POLICY_INVALID);
              assertThat(f.message())
                  .contains(
                      "policy ClusterModelPolicy/broken does not compile:"
                          + " spec.authorities[0].key.publicKey: authority 'k' key holds no PEM");
            });
  }

  @Test
  void onErrorAllowWaivesAnAnswerThatCameTooLateWithAWarning() {
    PolicyEngine lenient = engine(policy("lenient", "Enforce", "  onError: Allow\n"));
    PolicyEngine strict = engine(policy("strict", "Enforce", ""));
    Instant past = Instant.now().minusSeconds(1);

    PolicyDecision waived = lenient.decide(workload(model()), past, NO_VOLUME_PROBLEMS);
    PolicyDecision denied = strict.decide(workload(model()), past, NO_VOLUME_PROBLEMS);

    assertThat(waived.kind()).isEqualTo(PolicyDecision.Kind.ALLOW_WITH_WARNINGS);
    assertThat(waived.warnings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(((Finding.OfModel) f).admittedUnverified()).isTrue();
              assertThat(f.failures()).extracting(Failure::reason).containsOnly(Reason.UNAVAILABLE);
            });
    assertThat(denied.kind()).isEqualTo(PolicyDecision.Kind.DENY);
  }

  @Test
  void anInternalErrorDeniesEvenUnderOnErrorAllow() {
    ExecutorService broken = Executors.newSingleThreadExecutor();
    broken.shutdown();

    PolicyDecision d =
        decide(
            engine(
                NoMatchBehaviour.DENY, broken, policy("lenient", "Enforce", "  onError: Allow\n")),
            model());

    assertThat(d.kind()).isEqualTo(PolicyDecision.Kind.DENY);
    assertThat(d.denials().get(0).failures())
        .extracting(Failure::reason)
        .containsOnly(Reason.INTERNAL_ERROR);
    assertThat(d.warnings()).isEmpty();
  }

  @Test
  void aWorkloadWithoutModelsFailsOnlyPoliciesThatRequireModels() {
    String required = policy("required", "Enforce", "  requireModels: true\n");
    String warned = policy("warned", "Warn", "  requireModels: true\n");
    String audited = policy("audited", "Audit", "  requireModels: true\n");

    PolicyDecision none =
        engine(policy("plain", "Enforce", "")).decide(workload(), soon(), NO_VOLUME_PROBLEMS);
    PolicyDecision denied = engine(required).decide(workload(), soon(), NO_VOLUME_PROBLEMS);
    PolicyDecision warning = engine(warned).decide(workload(), soon(), NO_VOLUME_PROBLEMS);
    PolicyDecision recorded = engine(audited).decide(workload(), soon(), NO_VOLUME_PROBLEMS);

    assertThat(none.kind()).isEqualTo(PolicyDecision.Kind.ALLOW);
    assertThat(denied.denials())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f).isInstanceOf(Finding.OfWorkload.class);
              assertThat(f.failures())
                  .extracting(Failure::reason)
                  .containsExactly(Reason.NO_MODEL_DECLARED);
            });
    assertThat(warning.kind()).isEqualTo(PolicyDecision.Kind.ALLOW_WITH_WARNINGS);
    assertThat(recorded.kind()).isEqualTo(PolicyDecision.Kind.ALLOW);
  }

  @Test
  void eachPlacementIsDecidedWhereItCanBe() {
    PolicyEngine e = engine(policy("signed", "Enforce", ""));
    ModelReference refused = model().withPlacement(Placement.refused("the agent downloads it"));
    ModelReference later = model().withPlacement(Placement.podReview("checked on the Pod"));
    ModelReference onVolume =
        model().withPlacement(Placement.inPod(ModelUri.parse("pvc://claim/models/llm")));
    VolumeCheck unmounted =
        (m, p) -> List.of(Failure.of(Reason.MODEL_VOLUME_NOT_MOUNTED, "the pod does not mount it"));

    PolicyDecision r = decide(e, refused);
    PolicyDecision l = decide(e, later);
    PolicyDecision v = e.decide(workload(onVolume), soon(), unmounted);

    assertThat(r.denials().get(0).failures())
        .extracting(Failure::reason)
        .containsExactly(Reason.MODEL_SOURCE_UNSUPPORTED);
    assertThat(l.kind()).isEqualTo(PolicyDecision.Kind.ALLOW);
    assertThat(v.denials().get(0).failures())
        .extracting(Failure::reason)
        .containsExactly(Reason.MODEL_VOLUME_NOT_MOUNTED);
  }

  @Test
  void aTagIsDeniedWhenThePolicyRequiresADigestBeforeAnyRegistryIsAsked() {
    ModelReference byTag =
        new ModelReference(
            "llm",
            ModelUri.parse("oci://127.0.0.1:1/models/llm:1"),
            "",
            "spec.containers[0].image");
    PolicyEngine e =
        engine(
            AdmissionHarness.keyPolicy(
                "pinned", "Enforce", "oci://**", signed.publicKey, "  digest: Require\n"));

    PolicyDecision d = decide(e, byTag);

    assertThat(d.denials().get(0).failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.DIGEST_REQUIRED);
              assertThat(f.field()).hasValue(FieldPath.of("spec.containers[0].image"));
            });
  }

  @Test
  void aModelPolicyAppliesOnlyInItsNamespace() {
    String namespaced =
        policy("here", "Enforce", "")
            .replace("kind: ClusterModelPolicy", "kind: ModelPolicy")
            .replace("  name: here\n", "  name: here\n  namespace: elsewhere\n");

    PolicyDecision d = decide(engine(NoMatchBehaviour.ALLOW, threads, namespaced), model());

    assertThat(d.verdicts()).isEmpty();
    assertThat(d.kind()).isEqualTo(PolicyDecision.Kind.ALLOW);
  }
}
