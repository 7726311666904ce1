package dev.modelgate.policy.k8s;

import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.PolicyStore;
import dev.modelgate.policy.crd.ClusterModelPolicy;
import dev.modelgate.policy.crd.DirectoryPolicyStore;
import dev.modelgate.policy.crd.ModelPolicy;
import dev.modelgate.policy.crd.ModelPolicySpec;
import dev.modelgate.policy.crd.ModelTrustRoot;
import dev.modelgate.policy.crd.PolicyCompiler;
import dev.modelgate.policy.crd.PolicyDocuments;
import dev.modelgate.policy.crd.PolicyStatus;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Policies from the cluster: informers on ClusterModelPolicy, ModelPolicy (all namespaces) and
 * ModelTrustRoot. A change of what compiles (an added or deleted object, another spec) asks one
 * worker thread to recompile the whole set (policies are few; a trust-root change must reach every
 * policy that names it); a burst of events is one recompile, and the informer threads never wait
 * for it. The snapshot is swapped atomically, so a request sees either the old set or the new one.
 * Each policy's Ready condition is written to its status only when it differs from what the
 * informer's cache shows, and a status write (which changes only the resourceVersion) does not
 * recompile. Sigstore roots held in ConfigMaps are not watched: they are read again at every
 * recompile and at least every {@code refresh}.
 */
public final class InformerPolicyStore implements PolicyStore, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InformerPolicyStore.class);

  private final KubernetesClient client;
  private final PolicyCompiler compiler;
  private final AtomicReference<List<CompiledPolicy>> snapshot = new AtomicReference<>(List.of());
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private SharedIndexInformer<ClusterModelPolicy> clusterPolicies;
  private SharedIndexInformer<ModelPolicy> namespacedPolicies;
  private final AtomicLong recompiles = new AtomicLong();
  private final CoalescingWorker worker;
  private volatile boolean synced;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private List<String> compiledContent;

  /** How long an event waits for others of the same burst before the recompile starts. */
  static final Duration SETTLE = Duration.ofMillis(100);

  /** How often trust roots held in ConfigMaps are read again, unless a change reads them sooner. */
  public static final Duration DEFAULT_REFRESH = Duration.ofMinutes(1);

  private InformerPolicyStore(KubernetesClient client, PolicyCompiler compiler) {
    this.client = client;
    this.compiler = compiler;
    this.worker = new CoalescingWorker("modelgate-policy-recompile", SETTLE, this::recompile);
  }

  /** Starts the informers and waits for their first list; thereafter follows changes. */
  public static InformerPolicyStore start(KubernetesClient client, PolicyCompiler compiler) {
    return start(client, compiler, DEFAULT_REFRESH);
  }

  /**
   * As {@link #start(KubernetesClient, PolicyCompiler)}, reading ConfigMap-held roots every {@code
   * refresh}.
   */
  public static InformerPolicyStore start(
      KubernetesClient client, PolicyCompiler compiler, Duration refresh) {
    InformerPolicyStore store = new InformerPolicyStore(client, compiler);
    ResourceEventHandler<CustomResource<?, ?>> onChange =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(CustomResource<?, ?> obj) {
            store.worker.request();
          }

          @Override
          public void onUpdate(CustomResource<?, ?> oldObj, CustomResource<?, ?> newObj) {
            if (store.compilesDifferently(oldObj, newObj)) {
              store.worker.request();
            }
          }

          @Override
          public void onDelete(CustomResource<?, ?> obj, boolean deletedFinalStateUnknown) {
            store.worker.request();
          }
        };
    store.informers.add(client.resources(ModelTrustRoot.class).inform(cast(onChange)));
    store.clusterPolicies = client.resources(ClusterModelPolicy.class).inform(cast(onChange));
    store.namespacedPolicies =
        client.resources(ModelPolicy.class).inAnyNamespace().inform(cast(onChange));
    store.informers.add(store.clusterPolicies);
    store.informers.add(store.namespacedPolicies);
    store.synced = true;
    // The first compile runs here, so the store is ready with a full snapshot when start returns.
    store.recompile();
    store.worker.every(refresh);
    return store;
  }

  /**
   * Whether an update can change what compiles: the spec. A status write or a label change does not
   * (the API server bumps the generation of a custom resource with a status subresource only for
   * spec changes; the spec is compared too, for servers that do not set generations).
   */
  private boolean compilesDifferently(CustomResource<?, ?> before, CustomResource<?, ?> after) {
    if (!Objects.equals(
        before.getMetadata().getGeneration(), after.getMetadata().getGeneration())) {
      return true;
    }
    var json = client.getKubernetesSerialization();
    return !json.asJson(before.getSpec()).equals(json.asJson(after.getSpec()));
  }

  /** How many times the policy set was compiled since start (for tests and logs). */
  public long recompiles() {
    return recompiles.get();
  }

  @SuppressWarnings("unchecked")
  private static <T> ResourceEventHandler<T> cast(ResourceEventHandler<CustomResource<?, ?>> h) {
    return (ResourceEventHandler<T>) (ResourceEventHandler<?>) h;
  }

  /** Runs on the thread that calls {@link #start} once, then only on the worker's thread. */
  private synchronized void recompile() {
    if (!synced) {
      return;
    }
    recompiles.incrementAndGet();
    List<PolicyDocuments.Document> docs = new ArrayList<>();
    for (SharedIndexInformer<?> inf : informers) {
      for (Object o : inf.getStore().list()) {
        CustomResource<?, ?> r = (CustomResource<?, ?>) o;
        docs.add(
            PolicyDocuments.Document.read(
                r.getKind(),
                nullToEmpty(r.getMetadata().getNamespace()),
                r.getMetadata().getName(),
                resolved(r)));
      }
    }
    List<CompiledPolicy> compiled = DirectoryPolicyStore.compileAll(docs, compiler);
    snapshot.set(List.copyOf(compiled));
    log.info(
        "compiled {} policies ({} not ready)",
        compiled.size(),
        compiled.stream().filter(p -> !p.ready()).count());
    for (CompiledPolicy p : compiled) {
      writeStatus(p);
    }
    // A policy's document holds the trust roots it names, so a rotated root changes it too; a
    // periodic recompile that finds the same content tells nobody.
    List<String> content =
        compiled.stream()
            .map(p -> p.displayName() + "\n" + p.document() + "\n" + p.errors())
            .sorted()
            .toList();
    boolean changed = compiledContent != null && !compiledContent.equals(content);
    compiledContent = content;
    if (changed) {
      listeners.forEach(Runnable::run);
    }
  }

  @Override
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  /** A ModelTrustRoot whose Sigstore root is in a ConfigMap gets it inlined before compiling. */
  private CustomResource<?, ?> resolved(CustomResource<?, ?> r) {
    if (!(r instanceof ModelTrustRoot)) {
      return r;
    }
    ModelTrustRoot root = (ModelTrustRoot) r;
    var spec = root.getSpec();
    if (spec == null
        || spec.sigstore == null
        || spec.sigstore.trustedRoot != null
        || spec.sigstore.trustConfig != null
        || spec.sigstore.configMapRef == null) {
      return r;
    }
    var ref = spec.sigstore.configMapRef;
    try {
      ConfigMap cm = client.configMaps().inNamespace(ref.namespace).withName(ref.name).get();
      if (cm != null && cm.getData() != null && cm.getData().get(ref.key) != null) {
        // A deep copy: the informer's cached object must keep pointing at the ConfigMap, or a
        // rotated root in it would never be read again.
        ModelTrustRoot copy = client.getKubernetesSerialization().clone(root);
        copy.getSpec().sigstore.trustedRoot = cm.getData().get(ref.key);
        return copy;
      }
    } catch (KubernetesClientException e) {
      log.warn(
          "ModelTrustRoot {}: ConfigMap {}/{} cannot be read: {}",
          root.getMetadata().getName(),
          ref.namespace,
          ref.name,
          e.getMessage());
    }
    return r;
  }

  private void writeStatus(CompiledPolicy p) {
    if (p.kind().equals("ClusterModelPolicy")) {
      writeStatus(
          clusterPolicies.getStore().getByKey(p.name()),
          client.resources(ClusterModelPolicy.class).withName(p.name()),
          p);
    } else if (p.kind().equals("ModelPolicy")) {
      writeStatus(
          namespacedPolicies.getStore().getByKey(p.namespace() + "/" + p.name()),
          client.resources(ModelPolicy.class).inNamespace(p.namespace()).withName(p.name()),
          p);
    }
  }

  /**
   * Writes the Ready condition unless {@code cached} (the informer's copy) shows it already: no GET
   * for unchanged policies.
   */
  private <T extends CustomResource<ModelPolicySpec, PolicyStatus>> void writeStatus(
      T cached, Resource<T> op, CompiledPolicy p) {
    if (cached == null || PolicyStatus.shows(cached, p)) {
      return;
    }
    try {
      T current = op.get();
      if (current == null || PolicyStatus.shows(current, p)) {
        return;
      }
      PolicyStatus s = PolicyStatus.of(p, current.getMetadata().getGeneration(), Instant.now());
      // Background verification's summary is kept: it is not this writer's to drop.
      s.scan = current.getStatus() == null ? null : current.getStatus().scan;
      current.setStatus(s);
      op.updateStatus(current);
    } catch (KubernetesClientException e) {
      log.warn("status of {} cannot be written: {}", p.displayName(), e.getMessage());
    }
  }

  @Override
  public List<CompiledPolicy> policies() {
    return snapshot.get();
  }

  @Override
  public boolean ready() {
    return synced && informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  @Override
  public void close() {
    worker.close();
    informers.forEach(SharedIndexInformer::close);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
