package dev.modelgate.runtime;

import dev.modelgate.admission.AdmissionReports;
import dev.modelgate.admission.AdmissionService;
import dev.modelgate.admission.ClaimAccessModes;
import dev.modelgate.admission.EventSink;
import dev.modelgate.admission.NamespaceLabels;
import dev.modelgate.admission.VolumeVerifier;
import dev.modelgate.admission.k8s.KubernetesEventSink;
import dev.modelgate.core.BoundedLabels;
import dev.modelgate.oci.RegistryClient;
import dev.modelgate.oci.RegistryCredentials;
import dev.modelgate.oci.RegistryPoliteness;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.policy.CompileError;
import dev.modelgate.policy.NoMatchBehaviour;
import dev.modelgate.policy.PolicyEngine;
import dev.modelgate.policy.PolicyStore;
import dev.modelgate.policy.crd.DirectoryPolicyStore;
import dev.modelgate.policy.crd.PolicyCompiler;
import dev.modelgate.policy.k8s.InformerPolicyStore;
import dev.modelgate.report.PolicyReportSink;
import dev.modelgate.verify.ModelVerificationService;
import dev.modelgate.verify.ModelVerifier;
import dev.modelgate.verify.OciModelVerifier;
import dev.modelgate.verify.PullCredentials;
import dev.modelgate.verify.VerifiedCache;
import dev.modelgate.verify.k8s.KubernetesPullCredentials;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/** Builds the plain-Java core from configuration: policy store, verification, admission. */
public class CoreProducers {
  private static final Logger log = Logger.getLogger(CoreProducers.class);

  /** Registries named in {@code modelgate_registry_requests_total}; the rest count as "other". */
  static final int MAX_REGISTRY_LABELS = 100;

  @Produces
  @Singleton
  PolicyCompiler compiler() {
    return PolicyCompiler.withEmbeddedPublicGoodRoot();
  }

  @Produces
  @Singleton
  PolicyStore policyStore(
      ModelGateConfig config, PolicyCompiler compiler, Instance<KubernetesClient> client) {
    if (config.source().equals("kubernetes")) {
      log.infof("policies from Kubernetes custom resources (informers)");
      return InformerPolicyStore.start(client.get(), compiler);
    }
    if (!config.source().equals("embedded")) {
      throw new IllegalArgumentException(
          "modelgate.source must be embedded or kubernetes, got '" + config.source() + "'");
    }
    Path dir = Path.of(config.policies());
    DirectoryPolicyStore store = DirectoryPolicyStore.load(dir, compiler);
    store
        .policies()
        .forEach(
            p -> {
              if (p.ready()) {
                log.infof("policy %s loaded (mode %s)", p.displayName(), p.mode());
              } else {
                log.warnf(
                    "policy %s does not compile and denies what it matches: %s",
                    p.displayName(), CompileError.summary(p.errors()));
              }
            });
    log.infof("%d policies loaded from %s", store.policies().size(), dir.toAbsolutePath());
    return store;
  }

  @Produces
  @Singleton
  EventSink events(ModelGateConfig config, Instance<KubernetesClient> client) {
    return config.source().equals("kubernetes")
        ? new KubernetesEventSink(client.get())
        : EventSink.NONE;
  }

  @Produces
  @Singleton
  NamespaceLabels namespaceLabels(ModelGateConfig config, Instance<KubernetesClient> client) {
    if (!config.source().equals("kubernetes")) {
      // No API server to ask, but every namespace carries its name label there.
      return NamespaceLabels.offline(Map.of());
    }
    KubernetesClient k = client.get();
    return namespace -> {
      var ns = k.namespaces().withName(namespace).get();
      return ns == null || ns.getMetadata().getLabels() == null
          ? Map.of()
          : ns.getMetadata().getLabels();
    };
  }

  @Produces
  @Singleton
  AdmissionService admissionService(
      ModelGateConfig config,
      PolicyStore store,
      EventSink events,
      NamespaceLabels namespaces,
      Instance<KubernetesClient> client,
      MeterRegistry metrics,
      PolicyReportSink reports) {
    // Verification runs here, off the HTTP threads, so a deadline can cut it short.
    ExecutorService executor =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            r -> {
              Thread t = new Thread(r, "modelgate-verify");
              t.setDaemon(true);
              return t;
            });
    boolean embedded = config.source().equals("embedded");
    ModelVerifier verifier = new ModelVerifier(ModelHasher.allCores());
    // Registry names come from workloads anyone who may create a pod writes: a bounded label set.
    BoundedLabels registryLabels = new BoundedLabels(MAX_REGISTRY_LABELS);
    RegistryPoliteness politeness =
        RegistryPoliteness.standard()
            .observedBy(
                (registryName, status) ->
                    Counter.builder("modelgate.registry.requests")
                        .tag("registry", registryLabels.of(registryName))
                        .tag("status", status)
                        .register(metrics)
                        .increment());
    RegistryClient registry =
        new RegistryClient(
            RegistryCredentials.fromDefaultDockerConfig(),
            Set.copyOf(config.plainHttpRegistries().orElse(List.of())),
            politeness);
    PullCredentials pull =
        embedded || !config.readPullSecrets()
            ? PullCredentials.NONE
            : new KubernetesPullCredentials(client.get());
    VerifiedCache.Settings cacheSettings =
        config.verificationCache()
            ? new VerifiedCache.Settings(
                true, config.passTtl(), config.failureTtl(), config.tagTtl(), 4096)
            : VerifiedCache.Settings.DISABLED;
    OciModelVerifier oci =
        new OciModelVerifier(registry, verifier, pull, new VerifiedCache(cacheSettings));
    CacheMetrics.register(metrics, oci.cache());
    ModelVerificationService verification =
        new ModelVerificationService(
            verifier, executor, config.allowFileModels().orElse(embedded), oci);
    PolicyEngine engine =
        new PolicyEngine(store, verification, NoMatchBehaviour.parse(config.noMatch()));
    ClaimAccessModes claimModes = ClaimAccessModes.NONE;
    if (!embedded) {
      KubernetesClient k = client.get();
      claimModes =
          (ns, claim) -> {
            var pvc = k.persistentVolumeClaims().inNamespace(ns).withName(claim).get();
            return pvc == null || pvc.getSpec() == null || pvc.getSpec().getAccessModes() == null
                ? Set.of()
                : Set.copyOf(pvc.getSpec().getAccessModes());
          };
    }
    return new AdmissionService(
        engine,
        namespaces,
        events,
        new VolumeVerifier(config.verifierImage()),
        claimModes,
        new AdmissionReports(reports, Clock.systemUTC()));
  }
}
