package dev.modelgate.certs.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.certs.CertificateIssuer;
import dev.modelgate.certs.CertificateLifetimes;
import dev.modelgate.certs.KeyAndCertificate;
import dev.modelgate.certs.RenewalPlan;
import dev.modelgate.certs.RenewalPlan.Action;
import dev.modelgate.certs.ServedCertificate;
import dev.modelgate.certs.WebhookTlsState;
import dev.modelgate.testing.ManualClock;
import dev.modelgate.testing.TlsTestServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-managed webhook certificates on the fabric8 mock API server (CRUD): the webhook
 * configurations are the ones deploy/modelgate.yaml ships; two replicas campaign for one Lease.
 */
@EnableKubernetesMockClient(crud = true)
class SelfManagedCertificatesTest {
  static final String NS = "modelgate-system";
  static final List<String> NAMES =
      List.of("modelgate.modelgate-system.svc", "modelgate.modelgate-system.svc.cluster.local");
  KubernetesClient client;
  @TempDir Path tmp;
  final ManualClock clock = ManualClock.atNow();
  final List<SelfManagedCertificates> started = new ArrayList<>();
  final WebhookCertificates.Names names =
      new WebhookCertificates.Names(NS, "modelgate-tls", "modelgate", "modelgate");

  @BeforeEach
  void installWebhookConfigurations() throws Exception {
    try (var in = new FileInputStream("deploy/modelgate.yaml")) {
      for (HasMetadata o : client.load(in).items()) {
        if (o instanceof ValidatingWebhookConfiguration
            || o instanceof MutatingWebhookConfiguration) {
          client.resource(o).create();
        }
      }
    }
    // An unrelated webhook configuration that ModelGate must never touch.
    ValidatingWebhookConfiguration other =
        client
            .admissionRegistration()
            .v1()
            .validatingWebhookConfigurations()
            .withName("modelgate")
            .get();
    other.getMetadata().setName("someone-else");
    other.getMetadata().setResourceVersion(null);
    other
        .getWebhooks()
        .get(0)
        .getClientConfig()
        .setCaBundle(Base64.getEncoder().encodeToString("theirs".getBytes()));
    client.resource(other).create();
  }

  @AfterEach
  void stop() {
    started.forEach(SelfManagedCertificates::close);
  }

  SelfManagedCertificates replica(String identity, AtomicInteger reloads) {
    Path dir = tmp.resolve(identity);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CertificateIssuer issuer = new CertificateIssuer(clock, CertificateLifetimes.DEFAULT);
    ServedCertificate served =
        new ServedCertificate(
            dir.resolve("tls.crt"), dir.resolve("tls.key"), reloads::incrementAndGet);
    var s =
        new SelfManagedCertificates(
            client,
            new WebhookCertificates(client, names),
            new RenewalPlan(clock, issuer, NAMES),
            new ReplicaCertificateProbe(
                client, NS, "modelgate", NAMES.get(0), Duration.ofSeconds(2)),
            served,
            "modelgate-tls",
            identity,
            Duration.ofMillis(200),
            Duration.ofMillis(200));
    started.add(s);
    return s;
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant until = Instant.now().plusSeconds(30);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(until)) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(50);
    }
  }

  WebhookTlsState secretState() {
    Secret s = client.secrets().inNamespace(NS).withName("modelgate-tls").get();
    Map<String, byte[]> data = new HashMap<>();
    s.getData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
    return WebhookTlsState.parse(data);
  }

  List<String> bundles() {
    List<String> out = new ArrayList<>();
    client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .withName("modelgate")
        .get()
        .getWebhooks()
        .forEach(w -> out.add(w.getClientConfig().getCaBundle()));
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .withName("modelgate")
        .get()
        .getWebhooks()
        .forEach(w -> out.add(w.getClientConfig().getCaBundle()));
    return out;
  }

  @Test
  void oneOfTwoReplicasCreatesTheSecretAndInjectsTheCaIntoBothWebhookConfigurationsOnly()
      throws Exception {
    AtomicInteger reloadsA = new AtomicInteger();
    AtomicInteger reloadsB = new AtomicInteger();
    SelfManagedCertificates a = replica("replica-a", reloadsA);
    SelfManagedCertificates b = replica("replica-b", reloadsB);
    a.start();
    b.start();

    await("one replica leads", () -> a.leading() || b.leading());
    await(
        "both replicas serve the Secret's certificate",
        () -> reloadsA.get() > 0 && reloadsB.get() > 0);

    assertThat(a.leading() && b.leading()).as("exactly one leader").isFalse();
    Lease lease = client.leases().inNamespace(NS).withName("modelgate-tls").get();
    assertThat(lease.getSpec().getHolderIdentity()).isIn("replica-a", "replica-b");
    WebhookTlsState state = secretState();
    String expected = Base64.getEncoder().encodeToString(state.caBundle());
    await("caBundle injected", () -> bundles().stream().allMatch(expected::equals));
    assertThat(bundles()).hasSize(2);
    assertThat(
            client
                .admissionRegistration()
                .v1()
                .validatingWebhookConfigurations()
                .withName("someone-else")
                .get()
                .getWebhooks()
                .get(0)
                .getClientConfig()
                .getCaBundle())
        .isEqualTo(Base64.getEncoder().encodeToString("theirs".getBytes()));
    for (String replica : List.of("replica-a", "replica-b")) {
      KeyAndCertificate onDisk =
          KeyAndCertificate.parse(
              replica,
              Files.readAllBytes(tmp.resolve(replica).resolve("tls.crt")),
              Files.readAllBytes(tmp.resolve(replica).resolve("tls.key")));
      assertThat(onDisk.fingerprint())
          .as(replica + " serves the Secret's certificate")
          .isEqualTo(state.serving().fingerprint());
    }
    assertThat(a.renewals() + b.renewals()).as("written once").isEqualTo(1);
  }

  @Test
  void emptySecretAndLeasePreCreatedByTheChartAreTakenOverWithoutCreatePermission()
      throws Exception {
    for (HasMetadata o : chartObjects()) {
      client.resource(o).create();
    }
    AtomicInteger reloads = new AtomicInteger();
    SelfManagedCertificates a = replica("replica-a", reloads);
    a.start();

    await("a leads", a::leading);
    await("a serves the Secret's certificate", () -> reloads.get() > 0);
    assertThat(
            client
                .leases()
                .inNamespace(NS)
                .withName("modelgate-tls")
                .get()
                .getSpec()
                .getHolderIdentity())
        .isEqualTo("replica-a");
    assertThat(secretState().serving().certificate().getSubjectX500Principal().getName())
        .contains("modelgate.modelgate-system.svc");
  }

  /** The empty Secret and Lease deploy/modelgate.yaml creates, so ModelGate never needs create. */
  static List<HasMetadata> chartObjects() throws Exception {
    List<HasMetadata> out = new ArrayList<>();
    try (var in = new FileInputStream("deploy/modelgate.yaml")) {
      for (HasMetadata o : new KubernetesClientBuilder().build().load(in).items()) {
        if (o instanceof Secret || o instanceof Lease) {
          out.add(o);
        }
      }
    }
    if (out.size() != 2) {
      // Until deploy/ ships them: the same objects as the chart renders them.
      out.clear();
      out.add(
          new SecretBuilder()
              .withNewMetadata()
              .withName("modelgate-tls")
              .withNamespace(NS)
              .endMetadata()
              .withType("Opaque")
              .build());
      out.add(
          new LeaseBuilder()
              .withNewMetadata()
              .withName("modelgate-tls")
              .withNamespace(NS)
              .endMetadata()
              .withNewSpec()
              .withHolderIdentity("")
              .withLeaseDurationSeconds(15)
              .withLeaseTransitions(0)
              .withAcquireTime(ZonedDateTime.parse("1970-01-01T00:00:00Z"))
              .withRenewTime(ZonedDateTime.parse("1970-01-01T00:00:00Z"))
              .endSpec()
              .build());
    }
    return out;
  }

  @Test
  void whenTheLeaderStopsTheOtherReplicaTakesOverAndKeepsTheCertificate() throws Exception {
    SelfManagedCertificates a = replica("replica-a", new AtomicInteger());
    a.start();
    await("a leads", a::leading);
    await(
        "Secret written",
        () -> client.secrets().inNamespace(NS).withName("modelgate-tls").get() != null);
    String first = secretState().serving().fingerprint();
    SelfManagedCertificates b = replica("replica-b", new AtomicInteger());
    b.start();

    a.close();

    await("b leads after a released the Lease", b::leading);
    Thread.sleep(500);
    assertThat(secretState().serving().fingerprint())
        .as("a new leader does not reissue a valid certificate")
        .isEqualTo(first);
    assertThat(b.renewals()).isZero();
  }

  @Test
  void caBundleRemovedByAnUpgradeIsInjectedAgain() throws Exception {
    SelfManagedCertificates a = replica("replica-a", new AtomicInteger());
    a.reconcile();
    var v =
        client
            .admissionRegistration()
            .v1()
            .validatingWebhookConfigurations()
            .withName("modelgate")
            .get();
    v.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(null));
    client.resource(v).update();

    RenewalPlan.Step step = a.reconcile();

    assertThat(step.action()).isEqualTo(Action.NONE);
    String expected = Base64.getEncoder().encodeToString(secretState().caBundle());
    assertThat(bundles()).allMatch(expected::equals);
  }

  @Test
  void garbageInTheSecretIsReplacedByTheLeader() throws Exception {
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("modelgate-tls")
                .withNamespace(NS)
                .endMetadata()
                .addToData("ca.crt", Base64.getEncoder().encodeToString("junk".getBytes()))
                .build())
        .create();
    SelfManagedCertificates a = replica("replica-a", new AtomicInteger());

    assertThat(a.reconcile().action()).isEqualTo(Action.CREATE);
    assertThat(secretState().trustedAuthorities()).hasSize(1);
  }

  @Test
  void caRotationRunsStepByStepAndDropsTheOldCaOnlyOnceTheReplicasServeTheNewOne()
      throws Exception {
    AtomicInteger reloads = new AtomicInteger();
    SelfManagedCertificates a = replica("replica-a", reloads);
    a.reconcile();
    X509Certificate oldCa = secretState().authority().certificate();
    KeyAndCertificate oldAuthority = secretState().authority();
    clock.advance(Duration.ofDays(4 * 365 + 1));

    assertThat(a.reconcile().action()).isEqualTo(Action.RENEW_SERVING);
    assertThat(a.reconcile().action()).isEqualTo(Action.STAGE_AUTHORITY);
    assertThat(bundleCertificates()).as("old and new CA trusted").hasSize(2).contains(oldCa);
    assertThat(a.reconcile().action()).isEqualTo(Action.PROMOTE_AUTHORITY);
    WebhookTlsState promoted = secretState();
    assertThat(promoted.retiringAuthority()).contains(oldCa);

    // No EndpointSlice yet: which certificates replicas serve is unknown, so the old CA stays.
    assertThat(a.reconcile().action()).isEqualTo(Action.NONE);
    // A replica still on the old certificate, then one that cannot be reached: the old CA stays.
    TlsTestServer lagging =
        TlsTestServer.serving(
            new CertificateIssuer(clock, CertificateLifetimes.DEFAULT)
                .issueServing(oldAuthority, NAMES));
    client.resource(lagging.endpointSlice(NS, "modelgate")).create();
    assertThat(a.reconcile().reason()).contains("1 of 1 ready replicas still serve");
    lagging.close();
    assertThat(a.reconcile().action()).as("unreachable replica").isEqualTo(Action.NONE);
    client.resource(lagging.endpointSlice(NS, "modelgate")).delete();
    try (TlsTestServer replica = TlsTestServer.serving(promoted.serving())) {
      client.resource(replica.endpointSlice(NS, "modelgate")).create();

      assertThat(a.reconcile().action()).isEqualTo(Action.RETIRE_AUTHORITY);
    }
    assertThat(bundleCertificates()).containsExactly(promoted.authority().certificate());
  }

  List<X509Certificate> bundleCertificates() {
    List<String> b = bundles();
    assertThat(b).as("all webhooks carry one bundle").containsOnly(b.get(0));
    return KeyAndCertificate.certificates("bundle", Base64.getDecoder().decode(b.get(0)));
  }
}
