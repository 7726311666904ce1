package dev.modelgate.policy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.admission.AdmissionService;
import dev.modelgate.admission.EventSink;
import dev.modelgate.admission.NamespaceLabels;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.policy.CompileError;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.Mode;
import dev.modelgate.policy.NoMatchBehaviour;
import dev.modelgate.policy.PolicyEngine;
import dev.modelgate.policy.crd.ClusterModelPolicy;
import dev.modelgate.policy.crd.ModelPolicySpec;
import dev.modelgate.policy.crd.ModelTrustRoot;
import dev.modelgate.policy.crd.PolicyCompiler;
import dev.modelgate.policy.crd.PolicyDocuments;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestModels;
import dev.modelgate.testing.TestSigstore;
import dev.modelgate.verify.ModelVerificationService;
import dev.modelgate.verify.ModelVerifier;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-cluster store against the fabric8 mock API server in CRUD mode: policies created, updated
 * and deleted through the API change decisions, and each policy's compile result is written to its
 * status.
 */
@EnableKubernetesMockClient(crud = true)
class InformerPolicyStoreTest {
  KubernetesClient client;
  @TempDir Path tmp;
  SignedModel signed;
  InformerPolicyStore store;
  AdmissionService service;

  @BeforeEach
  void setUp() throws Exception {
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    store = InformerPolicyStore.start(client, PolicyCompiler.withEmbeddedPublicGoodRoot());
    ModelVerificationService v =
        new ModelVerificationService(
            new ModelVerifier(ModelHasher.allCores()), Executors.newCachedThreadPool(), true);
    service =
        new AdmissionService(
            new PolicyEngine(store, v, NoMatchBehaviour.ALLOW),
            NamespaceLabels.NONE,
            EventSink.NONE);
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private ClusterModelPolicy policy(String name, String mode) {
    String yaml = AdmissionHarness.keyPolicy(name, mode, "file://**", signed.publicKey, "");
    return (ClusterModelPolicy) PolicyDocuments.parse(yaml, "test").get(0).resource();
  }

  private AdmissionOutcome reviewTamperedPod() {
    String pod =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ml\n  annotations:\n    model.modelgate.dev/llm: file://"
            + signed.model
            + "\nspec:\n  containers: [{name: c, image: i}]\n";
    return service.review(AdmissionHarness.create(pod), Instant.now().plus(Duration.ofSeconds(10)));
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(50);
    }
  }

  @Test
  void createdUpdatedAndDeletedPoliciesChangeDecisions() throws Exception {
    TestModels.write(signed.model.resolve("config.json"), "tampered");
    assertThat(reviewTamperedPod().allowed()).as("no policy, no-match allow").isTrue();

    client.resources(ClusterModelPolicy.class).resource(policy("signed", "Enforce")).create();
    await(() -> store.policies().size() == 1);
    assertThat(reviewTamperedPod().allowed()).isFalse();

    // A merge patch without resourceVersion, as kubectl patch sends: the store writes the status
    // meanwhile, so a PUT of an object read before that write is refused as a conflict, and so is
    // edit(), which puts the resourceVersion it read into its patch (seen: PATCH 409 under load).
    client
        .resources(ClusterModelPolicy.class)
        .withName("signed")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\": {\"mode\": \"Warn\"}}");
    await(() -> store.policies().stream().anyMatch(p -> p.mode() == Mode.WARN));
    AdmissionOutcome warned = reviewTamperedPod();
    assertThat(warned.allowed()).isTrue();
    assertThat(warned.warnings()).isNotEmpty();

    client.resources(ClusterModelPolicy.class).withName("signed").delete();
    await(() -> store.policies().isEmpty());
    assertThat(reviewTamperedPod().allowed()).isTrue();
  }

  @Test
  void compileResultIsWrittenToTheStatus() throws Exception {
    ClusterModelPolicy broken = policy("broken", "Enforce");
    broken.getSpec().authorities.get(0).key.publicKey = "not a key";
    client.resources(ClusterModelPolicy.class).resource(policy("good", "Enforce")).create();
    client.resources(ClusterModelPolicy.class).resource(broken).create();

    await(
        () -> {
          ClusterModelPolicy b =
              client.resources(ClusterModelPolicy.class).withName("broken").get();
          ClusterModelPolicy g = client.resources(ClusterModelPolicy.class).withName("good").get();
          return b.getStatus() != null
              && g.getStatus() != null
              && !b.getStatus().conditions.isEmpty()
              && !g.getStatus().conditions.isEmpty();
        });

    var b =
        client
            .resources(ClusterModelPolicy.class)
            .withName("broken")
            .get()
            .getStatus()
            .conditions
            .get(0);
    var g =
        client
            .resources(ClusterModelPolicy.class)
            .withName("good")
            .get()
            .getStatus()
            .conditions
            .get(0);
    assertThat(g.getType()).isEqualTo("Ready");
    assertThat(g.getStatus()).isEqualTo("True");
    assertThat(b.getStatus()).isEqualTo("False");
    assertThat(b.getMessage()).contains("holds no PEM public key");
    assertThat(reviewTamperedPod().message()).contains("POLICY_INVALID");
  }

  @Test
  void trustRootChangesReachThePoliciesThatNameIt() throws Exception {
    String yaml =
        "apiVersion: modelgate.dev/v1alpha1\nkind: ClusterModelPolicy\nmetadata: {name: corp}\nspec:\n  authorities:\n"
            + "    - name: corp-ca\n      certificate: {trustRootRef: corp}\n";
    client
        .resources(ClusterModelPolicy.class)
        .resource((ClusterModelPolicy) PolicyDocuments.parse(yaml, "t").get(0).resource())
        .create();
    await(() -> store.policies().size() == 1);
    assertThat(store.policies().get(0).errors())
        .containsExactly(
            CompileError.at(
                "spec.authorities[0].certificate.trustRootRef",
                CompileError.Kind.TRUST_ROOT_UNKNOWN,
                "'corp' names no ModelTrustRoot"));

    String root =
        "apiVersion: modelgate.dev/v1alpha1\nkind: ModelTrustRoot\nmetadata: {name: corp}\nspec:\n  certificateAuthorities: |\n    "
            + Files.readString(Path.of("testdata/keys/root.pem")).strip().replace("\n", "\n    ")
            + "\n";
    client
        .resources(ModelTrustRoot.class)
        .resource((ModelTrustRoot) PolicyDocuments.parse(root, "t").get(0).resource())
        .create();

    await(() -> store.policies().size() == 1 && store.policies().get(0).ready());
    List<CompiledPolicy> ps = store.policies();
    assertThat(ps.get(0).verification()).isPresent();
    assertThat(store.ready()).isTrue();
  }

  @Test
  void sigstoreTrustedRootFromAConfigMapIsResolved() throws Exception {
    TestSigstore sigstore = new TestSigstore();
    String trustedRoot = new ObjectMapper().writeValueAsString(sigstore.trustedRoot());
    client
        .configMaps()
        .inNamespace("modelgate-system")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("private-sigstore")
                .withNamespace("modelgate-system")
                .endMetadata()
                .addToData("trusted_root.json", trustedRoot)
                .build())
        .create();
    String root =
        "apiVersion: modelgate.dev/v1alpha1\nkind: ModelTrustRoot\nmetadata: {name: private}\nspec:\n  sigstore:\n"
            + "    configMapRef: {namespace: modelgate-system, name: private-sigstore, key: trusted_root.json}\n";
    String policy =
        "apiVersion: modelgate.dev/v1alpha1\nkind: ClusterModelPolicy\nmetadata: {name: private-keyless}\nspec:\n  authorities:\n"
            + "    - name: ci\n      keyless:\n        trustRootRef: private\n        identities: [{issuer: 'https://issuer.test.local', subject: 'signer@test.local'}]\n";
    client
        .resources(ModelTrustRoot.class)
        .resource((ModelTrustRoot) PolicyDocuments.parse(root, "t").get(0).resource())
        .create();
    client
        .resources(ClusterModelPolicy.class)
        .resource((ClusterModelPolicy) PolicyDocuments.parse(policy, "t").get(0).resource())
        .create();

    await(() -> store.policies().size() == 1 && store.policies().get(0).ready());

    assertThat(store.policies().get(0).displayName())
        .isEqualTo("ClusterModelPolicy/private-keyless");

    // The ConfigMap is not watched: a rotated root is read at the next refresh. The informer's
    // cached ModelTrustRoot was not overwritten with the first root, so the refresh sees the new
    // one.
    store.close();
    store =
        InformerPolicyStore.start(
            client, PolicyCompiler.withEmbeddedPublicGoodRoot(), Duration.ofMillis(200));
    assertThat(store.policies().get(0).ready()).isTrue();
    client
        .configMaps()
        .inNamespace("modelgate-system")
        .withName("private-sigstore")
        .edit(
            cm -> {
              cm.getData().put("trusted_root.json", "{}");
              return cm;
            });

    await(() -> store.policies().size() == 1 && !store.policies().get(0).ready());
  }

  @Test
  void burstOfEventsIsFewRecompiles() throws Exception {
    int n = 30;
    for (int i = 0; i < n; i++) {
      client.resources(ClusterModelPolicy.class).resource(policy("p" + i, "Enforce")).create();
    }
    await(() -> store.policies().size() == n && allStatusesWritten(n));

    assertThat(store.recompiles())
        .as("1 at start + coalesced bursts, not one per event")
        .isLessThan(n / 3);
  }

  @Test
  void updatesThatLeaveTheSpecAloneRecompileNothing() throws Exception {
    client.resources(ClusterModelPolicy.class).resource(policy("a", "Enforce")).create();
    client.resources(ClusterModelPolicy.class).resource(policy("b", "Enforce")).create();
    await(() -> allStatusesWritten(2));
    long settled = quietRecompileCount();

    ClusterModelPolicy a = client.resources(ClusterModelPolicy.class).withName("a").get();
    a.getStatus().conditions =
        List.of(new ConditionBuilder().withType("Other").withStatus("True").build());
    client.resources(ClusterModelPolicy.class).resource(a).updateStatus();
    client
        .resources(ClusterModelPolicy.class)
        .withName("b")
        .edit(
            p -> {
              p.getMetadata().setLabels(Map.of("team", "ml"));
              return p;
            });

    assertThat(quietRecompileCount()).as("a status write and a label change").isEqualTo(settled);

    client
        .resources(ClusterModelPolicy.class)
        .withName("b")
        .edit(
            p -> {
              p.getSpec().mode = ModelPolicySpec.Mode.Warn;
              return p;
            });
    await(() -> store.recompiles() > settled);
  }

  /** The recompile count once the worker has had ten settle periods without a request. */
  private long quietRecompileCount() throws InterruptedException {
    long before;
    do {
      before = store.recompiles();
      Thread.sleep(InformerPolicyStore.SETTLE.toMillis() * 10);
    } while (store.recompiles() != before);
    return before;
  }

  @Test
  void unchangedCompileResultIsNotWrittenAgain() throws Exception {
    client.resources(ClusterModelPolicy.class).resource(policy("first", "Enforce")).create();
    await(() -> allStatusesWritten(1));
    String version =
        client
            .resources(ClusterModelPolicy.class)
            .withName("first")
            .get()
            .getMetadata()
            .getResourceVersion();

    client.resources(ClusterModelPolicy.class).resource(policy("second", "Enforce")).create();
    await(() -> allStatusesWritten(2));

    assertThat(
            client
                .resources(ClusterModelPolicy.class)
                .withName("first")
                .get()
                .getMetadata()
                .getResourceVersion())
        .isEqualTo(version);
  }

  private boolean allStatusesWritten(int n) {
    List<ClusterModelPolicy> all = client.resources(ClusterModelPolicy.class).list().getItems();
    return all.size() == n
        && all.stream().allMatch(p -> p.getStatus() != null && !p.getStatus().conditions.isEmpty());
  }
}
