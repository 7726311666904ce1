package dev.modelgate.scan.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.admission.AdmissionService;
import dev.modelgate.admission.EventSink;
import dev.modelgate.admission.NamespaceLabels;
import dev.modelgate.core.Reason;
import dev.modelgate.inpod.ClaimAccessModes;
import dev.modelgate.inpod.VolumeVerifier;
import dev.modelgate.oci.OciReference;
import dev.modelgate.oci.RegistryClient;
import dev.modelgate.oci.RegistryCredentials;
import dev.modelgate.oci.RegistryPoliteness;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.policy.NoMatchBehaviour;
import dev.modelgate.policy.PolicyEngine;
import dev.modelgate.policy.crd.ClusterModelPolicy;
import dev.modelgate.policy.crd.PolicyCompiler;
import dev.modelgate.policy.crd.PolicyDocuments;
import dev.modelgate.policy.crd.ScanStatus;
import dev.modelgate.policy.k8s.InformerPolicyStore;
import dev.modelgate.report.BatchingReportWriter;
import dev.modelgate.report.Evaluation;
import dev.modelgate.report.ObjectReference;
import dev.modelgate.report.PolicyReport;
import dev.modelgate.report.PolicyReportJson;
import dev.modelgate.report.PolicyReportSink;
import dev.modelgate.report.PolicyResult;
import dev.modelgate.report.WorkloadVerdicts;
import dev.modelgate.report.k8s.KubernetesReportStore;
import dev.modelgate.scan.BackgroundScan;
import dev.modelgate.scan.ScanOutcome;
import dev.modelgate.scan.ScanReport;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.ControllerPods;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import dev.modelgate.testing.TestPki;
import dev.modelgate.testing.TestRegistry;
import dev.modelgate.verify.ModelVerificationService;
import dev.modelgate.verify.ModelVerifier;
import dev.modelgate.verify.OciModelVerifier;
import dev.modelgate.verify.PullCredentials;
import dev.modelgate.verify.VerifiedCache;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Background verification against the fabric8 mock API server (CRUD) and a real registry: running
 * pods in the shapes the controllers give them, policies and trust roots changed through the API,
 * models signed and pushed for real.
 */
@EnableKubernetesMockClient(crud = true)
class BackgroundVerificationTest {
  static final String NS = "modelgate-system";
  KubernetesClient client;
  @TempDir Path tmp;
  TestRegistry registry;
  SignedModel signed;
  InformerPolicyStore store;
  final AtomicInteger registryRequests = new AtomicInteger();
  RecordedResults results = new RecordedResults();
  final List<AutoCloseable> started = new ArrayList<>();
  ExecutorService workers;

  /**
   * What the scan reported, per workload, kept as a report writer would keep it; and forwarded to
   * the real batching writer, which stores PolicyReports in the mock API server.
   */
  final class RecordedResults implements PolicyReportSink {
    final Map<ObjectReference, List<ModelVerdict>> current = new ConcurrentHashMap<>();
    final List<ObjectReference> removed = new CopyOnWriteArrayList<>();
    BatchingReportWriter writer;

    BatchingReportWriter writer() {
      if (writer == null) {
        writer =
            new BatchingReportWriter(
                new KubernetesReportStore(client),
                new BatchingReportWriter.Settings(Duration.ofHours(1), 10_000, 50_000),
                BatchingReportWriter.Observer.NONE);
      }
      return writer;
    }

    @Override
    public void merge(WorkloadVerdicts v) {
      throw new AssertionError("background verification replaces, it never merges");
    }

    @Override
    public void replace(WorkloadVerdicts v) {
      assertThat(v.evaluation()).isEqualTo(Evaluation.SCAN);
      current.put(v.workload(), v.verdicts());
      writer().replace(v);
    }

    @Override
    public void remove(ObjectReference workload) {
      current.remove(workload);
      removed.add(workload);
      writer().remove(workload);
    }

    @Override
    public void retainOnly(Collection<ObjectReference> workloads) {
      current.keySet().removeIf(w -> workloads.stream().noneMatch(w::sameObject));
      writer().retainOnly(workloads);
    }

    @Override
    public void flush() {
      writer().flush();
    }

    ScanOutcome outcome(String kind, String name) {
      return current.entrySet().stream()
          .filter(e -> e.getKey().kind().equals(kind) && e.getKey().name().equals(name))
          .flatMap(e -> e.getValue().stream())
          .map(ScanOutcome::of)
          .reduce(ScanOutcome.PASS, ScanOutcome::worse);
    }

    boolean has(String kind, String name) {
      return current.keySet().stream()
          .anyMatch(w -> w.kind().equals(kind) && w.name().equals(name));
    }

    List<ModelVerdict> of(String kind, String name) {
      return current.entrySet().stream()
          .filter(e -> e.getKey().kind().equals(kind) && e.getKey().name().equals(name))
          .flatMap(e -> e.getValue().stream())
          .toList();
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    registry = TestRegistry.startOrSkip(Files.createDirectories(tmp.resolve("registry")));
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    store = InformerPolicyStore.start(client, PolicyCompiler.withEmbeddedPublicGoodRoot());
    workers = Executors.newFixedThreadPool(4);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : started) {
      c.close();
    }
    if (store != null) {
      store.close();
    }
    if (workers != null) {
      workers.shutdownNow();
    }
    if (registry != null) {
      registry.close();
    }
  }

  AdmissionService admission() {
    ModelVerifier verifier = new ModelVerifier(ModelHasher.allCores());
    RegistryClient client =
        new RegistryClient(
            RegistryCredentials.NONE,
            Set.of(),
            RegistryPoliteness.standard()
                .observedBy((r, status) -> registryRequests.incrementAndGet()));
    ModelVerificationService v =
        new ModelVerificationService(
            verifier,
            Executors.newCachedThreadPool(),
            false,
            new OciModelVerifier(client, verifier, PullCredentials.NONE, new VerifiedCache()));
    return new AdmissionService(
        new PolicyEngine(store, v, NoMatchBehaviour.ALLOW),
        NamespaceLabels.NONE,
        EventSink.NONE,
        new VolumeVerifier(AdmissionService.DEFAULT_VERIFIER_IMAGE),
        ClaimAccessModes.NONE);
  }

  BackgroundScan scan() {
    return new BackgroundScan(
        new ClusterPods(client),
        admission(),
        results,
        workers,
        Duration.ofSeconds(30),
        Clock.systemUTC());
  }

  BackgroundScanner scanner(String identity, BackgroundScan scan, Duration interval) {
    PolicyScanStatus status = new PolicyScanStatus(client, Duration.ofMinutes(30));
    BackgroundScanner s =
        new BackgroundScanner(
            client,
            scan,
            report -> status.write(store.policies(), report.policies(), report.finished()),
            () -> {},
            NS,
            "modelgate-scan",
            identity,
            interval);
    started.add(s);
    return s;
  }

  /** Pushes the signed model and returns its digest reference. */
  String pushed(Path model, String repository) {
    String ref = registry.host + "/" + repository + ":v1";
    Cli.Result r = Cli.run("push", model, "oci://" + ref);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    String digest =
        new RegistryClient(RegistryCredentials.NONE, Set.of())
            .manifest(OciReference.parse(ref), Instant.now().plusSeconds(30))
            .digest()
            .toString();
    return registry.host + "/" + repository + "@" + digest;
  }

  static String imageVolumeTemplate(String reference) {
    return "metadata:\n  labels: {app: llm}\nspec:\n  containers: [{name: server, image: vllm, volumeMounts: [{name: weights, mountPath: /models}]}]\n"
        + "  volumes:\n    - name: weights\n      image: {reference: '"
        + reference
        + "', pullPolicy: IfNotPresent}\n";
  }

  /** A Deployment, its ReplicaSet and {@code replicas} running pods, created in the API. */
  JsonNode runDeployment(String name, String template, int replicas) {
    // Each object as the API server stored it (its uid), so the owner references below match.
    JsonNode d = create(ControllerPods.deployment("ml", name, template));
    JsonNode rs = create(ControllerPods.replicaSet(d, "7d4b9c8f5"));
    for (int i = 0; i < replicas; i++) {
      create(ControllerPods.pod(rs, String.format("x%04d", i)));
    }
    return d;
  }

  /** Creates the object (a pod's status through its subresource, as the kubelet writes it). */
  JsonNode create(JsonNode object) {
    var json = client.getKubernetesSerialization();
    HasMetadata o = json.unmarshal(object.toString());
    HasMetadata created = client.resource(o).create();
    if (o instanceof Pod) {
      ((Pod) created).setStatus(((Pod) o).getStatus());
      created = client.resource((Pod) created).updateStatus();
    }
    return json.convertValue(created, JsonNode.class);
  }

  void applyPolicy(String yaml) {
    HasMetadata r = (HasMetadata) PolicyDocuments.parse(yaml, "test").get(0).resource();
    client.resource(r).createOr(existing -> existing.update());
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant until = Instant.now().plusSeconds(60);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(until)) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(50);
    }
  }

  /** The namespace's PolicyReport as stored in the API server. */
  PolicyReport storedReport(String namespace) {
    GenericKubernetesResource r =
        client
            .genericKubernetesResources(
                new ResourceDefinitionContext.Builder()
                    .withGroup("wgpolicyk8s.io")
                    .withVersion("v1alpha2")
                    .withPlural("policyreports")
                    .withKind("PolicyReport")
                    .withNamespaced(true)
                    .build())
            .inNamespace(namespace)
            .withName("modelgate")
            .get();
    return r == null ? null : PolicyReportJson.parse(client.getKubernetesSerialization().asJson(r));
  }

  ScanStatus scanStatus(String policy) {
    ClusterModelPolicy p = client.resources(ClusterModelPolicy.class).withName(policy).get();
    return p == null || p.getStatus() == null ? null : p.getStatus().scan;
  }

  @Test
  void aPolicyChangeIsReflectedInTheReportsAndThePolicyStatus() throws Exception {
    String ref = pushed(signed.model, "models/llm");
    applyPolicy(
        AdmissionHarness.keyPolicy(
            "signed", "Enforce", "oci://" + registry.host + "/**", signed.publicKey, ""));
    await("policy compiled", () -> store.policies().size() == 1);
    runDeployment("llm", imageVolumeTemplate(ref), 3);
    BackgroundScanner scanner = scanner("replica-a", scan(), Duration.ofHours(1));
    store.onChange(scanner::request);
    scanner.start();

    await("the Deployment passes", () -> results.has("Deployment", "llm"));
    assertThat(results.outcome("Deployment", "llm")).isEqualTo(ScanOutcome.PASS);
    assertThat(results.of("Deployment", "llm"))
        .singleElement()
        .satisfies(v -> assertThat(v.signer()).isPresent());
    await(
        "the report is stored",
        () -> storedReport("ml") != null && !storedReport("ml").results().isEmpty());
    PolicyReport report = storedReport("ml");
    assertThat(report.results())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.result()).isEqualTo(PolicyResult.PASS);
              assertThat(r.properties()).containsEntry("evaluation", "scan");
              assertThat(r.properties()).containsKey("signer");
              assertThat(r.resources().get(0).kind()).isEqualTo("Deployment");
            });
    await("status written", () -> scanStatus("signed") != null);
    assertThat(scanStatus("signed").passing).isEqualTo(1);
    assertThat(scanStatus("signed").failing).isZero();

    KeyPair other = TestKeys.ec("secp256r1");
    Path otherKey = TestKeys.writePem(tmp.resolve("other.pub"), other.getPublic());
    applyPolicy(
        AdmissionHarness.keyPolicy(
            "signed", "Enforce", "oci://" + registry.host + "/**", otherKey, ""));

    await("the Deployment fails", () -> results.outcome("Deployment", "llm") == ScanOutcome.FAIL);
    await(
        "the stored report says so",
        () ->
            storedReport("ml").results().size() == 1
                && storedReport("ml").results().get(0).result() == PolicyResult.FAIL);
    assertThat(results.of("Deployment", "llm").get(0).failures())
        .extracting(f -> f.reason())
        .containsAnyOf(Reason.KEY_MISMATCH, Reason.SIGNATURE_INVALID);
    // (The mock server drops the status on a PUT of the object; a real API server keeps it.)
    await(
        "status counts the failure",
        () -> scanStatus("signed") != null && scanStatus("signed").failing == 1);
    assertThat(scanStatus("signed").passing).isZero();
    assertThat(
            client
                .resources(ClusterModelPolicy.class)
                .withName("signed")
                .get()
                .getStatus()
                .conditions)
        .as("the Ready condition is kept")
        .anySatisfy(c -> assertThat(c.getType()).isEqualTo("Ready"));
  }

  @Test
  void aRotatedTrustRootIsReportedAsAFailure() throws Exception {
    TestPki corp = new TestPki("corp");
    KeyPair leafKeys = TestKeys.ec("secp384r1");
    Path model = TestModels.sample(tmp, "cert-model");
    Cli.Result signedByCorp =
        Cli.run(
            "sign", model,
            "--private-key", TestKeys.writePem(tmp.resolve("leaf.key"), leafKeys.getPrivate()),
            "--signing-certificate",
                TestKeys.writePem(tmp.resolve("leaf.pem"), corp.leaf(leafKeys, new TestPki.Leaf())),
            "--certificate-chain", TestKeys.writePem(tmp.resolve("int.pem"), corp.intermediate));
    assertThat(signedByCorp.exitCode()).as(signedByCorp.toString()).isZero();
    String ref = pushed(model, "models/corp");
    applyPolicy(trustRoot(corp));
    applyPolicy(
        "apiVersion: modelgate.dev/v1alpha1\nkind: ClusterModelPolicy\nmetadata: {name: corp}\nspec:\n  match: {models: ['oci://**']}\n  authorities:\n"
            + "    - name: corp-ca\n      certificate: {trustRootRef: corp}\n");
    await("policy ready", () -> store.policies().size() == 1 && store.policies().get(0).ready());
    runDeployment("corp-llm", imageVolumeTemplate(ref), 2);
    BackgroundScanner scanner = scanner("replica-a", scan(), Duration.ofHours(1));
    store.onChange(scanner::request);
    scanner.start();
    await("the Deployment passes", () -> results.has("Deployment", "corp-llm"));
    assertThat(results.outcome("Deployment", "corp-llm")).isEqualTo(ScanOutcome.PASS);

    applyPolicy(trustRoot(new TestPki("rotated")));

    await(
        "the Deployment fails",
        () -> results.outcome("Deployment", "corp-llm") == ScanOutcome.FAIL);
    assertThat(results.of("Deployment", "corp-llm").get(0).failures())
        .anySatisfy(f -> assertThat(f.reason()).isEqualTo(Reason.CHAIN_UNTRUSTED));
  }

  String trustRoot(TestPki pki) throws Exception {
    String pem =
        Files.readString(
            TestKeys.writePem(
                tmp.resolve("root-" + pki.root.getSerialNumber() + ".pem"), pki.root));
    return "apiVersion: modelgate.dev/v1alpha1\nkind: ModelTrustRoot\nmetadata: {name: corp}\nspec:\n  certificateAuthorities: |\n    "
        + pem.strip().replace("\n", "\n    ")
        + "\n";
  }

  @Test
  void fiveHundredReplicasAreOneVerificationAndARemovedWorkloadLosesItsResults() throws Exception {
    String ref = pushed(signed.model, "models/llm");
    applyPolicy(
        AdmissionHarness.keyPolicy(
            "signed", "Enforce", "oci://" + registry.host + "/**", signed.publicKey, ""));
    await("policy compiled", () -> store.policies().size() == 1);
    JsonNode deployment = runDeployment("llm", imageVolumeTemplate(ref), 500);
    BackgroundScan scan = scan();
    registryRequests.set(0);

    ScanReport report = scan.run();

    assertThat(report.pods()).isEqualTo(500);
    assertThat(report.groups()).isEqualTo(1);
    assertThat(scan.verifications()).isEqualTo(1);
    assertThat(registryRequests.get()).as("verified from the registry").isPositive();
    assertThat(report.workloads())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.pods()).isEqualTo(500);
              assertThat(w.workload().kind()).isEqualTo("Deployment");
              assertThat(w.workload().uid()).isEqualTo(deployment.at("/metadata/uid").asText());
            });
    assertThat(results.outcome("Deployment", "llm")).isEqualTo(ScanOutcome.PASS);

    client.pods().inNamespace("ml").delete();
    client.resources(ReplicaSet.class).inNamespace("ml").delete();
    await("pods gone", () -> client.pods().inNamespace("ml").list().getItems().isEmpty());
    ScanReport after = scan.run();

    assertThat(after.removed()).extracting(ObjectReference::name).containsExactly("llm");
    assertThat(results.current).isEmpty();
    assertThat(storedReport("ml").results()).as("the stored report too").isEmpty();
  }

  @Test
  void withTwoReplicasOnlyTheLeaseHolderScans() throws Exception {
    String ref = pushed(signed.model, "models/llm");
    applyPolicy(
        AdmissionHarness.keyPolicy(
            "signed", "Enforce", "oci://" + registry.host + "/**", signed.publicKey, ""));
    await("policy compiled", () -> store.policies().size() == 1);
    runDeployment("llm", imageVolumeTemplate(ref), 2);
    BackgroundScanner a = scanner("replica-a", scan(), Duration.ofMillis(200));
    BackgroundScanner b = scanner("replica-b", scan(), Duration.ofMillis(200));
    a.start();
    b.start();

    await("one replica has scanned several times", () -> a.scans() + b.scans() >= 3);

    assertThat(a.leading() && b.leading()).as("exactly one leader").isFalse();
    BackgroundScanner leader = a.leading() ? a : b;
    BackgroundScanner follower = leader == a ? b : a;
    assertThat(follower.scans()).isZero();
    assertThat(leader.scans()).isGreaterThanOrEqualTo(3);
    assertThat(
            client
                .leases()
                .inNamespace(NS)
                .withName("modelgate-scan")
                .get()
                .getSpec()
                .getHolderIdentity())
        .isEqualTo(leader == a ? "replica-a" : "replica-b");
    follower.request();
    assertThat(follower.scans()).as("a follower ignores triggers").isZero();
  }

  @Test
  void aReplicaThatLostTheLeaseCampaignsAgainAndTakesItBack() throws Exception {
    BackgroundScanner a = scanner("replica-a", scan(), Duration.ofHours(1));
    a.start();
    await("replica-a leads", a::leading);

    // Another holder renews the Lease once and then disappears (a replica that paused, then died):
    // replica-a cannot renew within the deadline and loses it, which ends fabric8's elector.
    // replica-a renews the Lease meanwhile, so an edit can meet a newer resourceVersion (409):
    // take the Lease again as any client would, a bounded number of times.
    for (int attempt = 1; ; attempt++) {
      try {
        client
            .leases()
            .inNamespace(NS)
            .withName("modelgate-scan")
            .edit(
                l -> {
                  l.getSpec().setHolderIdentity("replica-gone");
                  l.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
                  l.getSpec().setAcquireTime(ZonedDateTime.now(ZoneOffset.UTC));
                  return l;
                });
        break;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
    await("replica-a lost the Lease", () -> !a.leading());

    await(
        "replica-a took the Lease back after the other holder's expired",
        () ->
            a.leading()
                && "replica-a"
                    .equals(
                        client
                            .leases()
                            .inNamespace(NS)
                            .withName("modelgate-scan")
                            .get()
                            .getSpec()
                            .getHolderIdentity()));
  }
}
