package dev.modelgate.runtime;

import dev.modelgate.admission.AdmissionService;
import dev.modelgate.admission.EventSink;
import dev.modelgate.admission.NamespaceLabels;
import dev.modelgate.admission.k8s.ClusterVerifiedClaims;
import dev.modelgate.admission.k8s.KubernetesEventSink;
import dev.modelgate.assembly.Core;
import dev.modelgate.core.BoundedLabels;
import dev.modelgate.oci.RegistryPoliteness;
import dev.modelgate.policy.CompileError;
import dev.modelgate.policy.NoMatchBehaviour;
import dev.modelgate.policy.PolicyStore;
import dev.modelgate.policy.k8s.InformerPolicyStore;
import dev.modelgate.report.PolicyReportSink;
import dev.modelgate.verify.VerifiedCache;
import dev.modelgate.verify.k8s.KubernetesPullCredentials;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Builds the plain-Java core from configuration through {@link Core}, handing in the cluster-backed
 * parts (informers, pull secrets, Events, namespace and claim lookups) and the metrics observers.
 */
public class CoreProducers {
  private static final Logger log = Logger.getLogger(CoreProducers.class);

  /** Registries named in {@code modelgate_registry_requests_total}; the rest count as "other". */
  static final int MAX_REGISTRY_LABELS = 100;

  @Produces
  @Singleton
  Core core(
      ModelGateConfig config,
      Instance<KubernetesClient> client,
      MeterRegistry metrics,
      PolicyReportSink reports,
      NamespaceLabels namespaces,
      EventSink events) {
    boolean embedded = config.source().equals("embedded");
    if (!embedded && !config.source().equals("kubernetes")) {
      throw new IllegalArgumentException(
          "modelgate.source must be embedded or kubernetes, got '" + config.source() + "'");
    }
    // Registry names come from workloads anyone who may create a pod writes: a bounded label set.
    BoundedLabels registryLabels = new BoundedLabels(MAX_REGISTRY_LABELS);
    Core.Builder core =
        Core.builder()
            .noMatch(NoMatchBehaviour.parse(config.noMatch()))
            .plainHttpRegistries(Set.copyOf(config.plainHttpRegistries().orElse(List.of())))
            .politeness(
                RegistryPoliteness.standard()
                    .observedBy(
                        (registryName, status) ->
                            Counter.builder("modelgate.registry.requests")
                                .tag("registry", registryLabels.of(registryName))
                                .tag("status", status)
                                .register(metrics)
                                .increment()))
            .cache(
                config.verificationCache()
                    ? new VerifiedCache.Settings(
                        true, config.passTtl(), config.failureTtl(), config.tagTtl(), 4096)
                    : VerifiedCache.Settings.DISABLED)
            .allowFileModels(config.allowFileModels().orElse(embedded))
            // Verification runs on this pool, off the HTTP threads, so a deadline can cut it short.
            .verifyThreads(Math.max(2, Runtime.getRuntime().availableProcessors()))
            .verifierImage(config.verifierImage())
            .namespaces(namespaces)
            .events(events)
            .reports(reports);
    if (embedded) {
      core.policyDirectory(Path.of(config.policies()));
    } else {
      KubernetesClient k = client.get();
      log.infof("policies from Kubernetes custom resources (informers)");
      core.policyStore(compiler -> InformerPolicyStore.start(k, compiler))
          .claimAccessModes(
              (ns, claim) -> {
                var pvc = k.persistentVolumeClaims().inNamespace(ns).withName(claim).get();
                return pvc == null
                        || pvc.getSpec() == null
                        || pvc.getSpec().getAccessModes() == null
                    ? Set.of()
                    : Set.copyOf(pvc.getSpec().getAccessModes());
              })
          .verifiedClaims(new ClusterVerifiedClaims(k));
      if (config.readPullSecrets()) {
        core.pullCredentials(new KubernetesPullCredentials(k));
      }
    }
    return core.build();
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
  PolicyStore policyStore(ModelGateConfig config, Core core) {
    PolicyStore store = core.policies();
    if (config.source().equals("embedded")) {
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
      log.infof(
          "%d policies loaded from %s",
          store.policies().size(), Path.of(config.policies()).toAbsolutePath());
    }
    return store;
  }

  @Produces
  @Singleton
  AdmissionService admissionService(Core core, MeterRegistry metrics) {
    AdmissionService admission = core.admission();
    CacheMetrics.register(metrics, core.oci().cache());
    return admission;
  }

  /** Stops the verification pool when the server stops. */
  void close(@Disposes Core core) {
    core.close();
  }
}
