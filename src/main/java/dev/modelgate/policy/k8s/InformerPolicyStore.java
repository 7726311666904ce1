package dev.modelgate.policy.k8s;

import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.PolicyStore;
import dev.modelgate.policy.crd.ClusterModelPolicy;
import dev.modelgate.policy.crd.DirectoryPolicyStore;
import dev.modelgate.policy.crd.ModelPolicy;
import dev.modelgate.policy.crd.ModelTrustRoot;
import dev.modelgate.policy.crd.PolicyCompiler;
import dev.modelgate.policy.crd.PolicyDocuments;
import dev.modelgate.policy.crd.PolicyStatus;
import dev.modelgate.policy.crd.ModelPolicySpec;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Policies from the cluster: informers on ClusterModelPolicy, ModelPolicy (all namespaces) and
 * ModelTrustRoot. Any change recompiles the whole set (policies are few; a trust-root change must
 * reach every policy that names it) and swaps the snapshot atomically, so a request sees either
 * the old set or the new one. Each policy's Ready condition is written to its status when its
 * compile result changes.
 */
public final class InformerPolicyStore implements PolicyStore, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InformerPolicyStore.class);

  private final KubernetesClient client;
  private final PolicyCompiler compiler;
  private final AtomicReference<List<CompiledPolicy>> snapshot = new AtomicReference<>(List.of());
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private volatile boolean synced;

  private InformerPolicyStore(KubernetesClient client, PolicyCompiler compiler) {
    this.client = client;
    this.compiler = compiler;
  }

  /** Starts the informers and waits for their first list; thereafter follows changes. */
  public static InformerPolicyStore start(KubernetesClient client, PolicyCompiler compiler) {
    InformerPolicyStore store = new InformerPolicyStore(client, compiler);
    ResourceEventHandler<CustomResource<?, ?>> onChange = new ResourceEventHandler<>() {
      @Override
      public void onAdd(CustomResource<?, ?> obj) {
        store.recompile();
      }

      @Override
      public void onUpdate(CustomResource<?, ?> oldObj, CustomResource<?, ?> newObj) {
        if (!Objects.equals(oldObj.getMetadata().getGeneration(), newObj.getMetadata().getGeneration())
            || !Objects.equals(oldObj.getMetadata().getResourceVersion(), newObj.getMetadata().getResourceVersion())) {
          store.recompile();
        }
      }

      @Override
      public void onDelete(CustomResource<?, ?> obj, boolean deletedFinalStateUnknown) {
        store.recompile();
      }
    };
    store.informers.add(client.resources(ModelTrustRoot.class).inform(cast(onChange)));
    store.informers.add(client.resources(ClusterModelPolicy.class).inform(cast(onChange)));
    store.informers.add(client.resources(ModelPolicy.class).inAnyNamespace().inform(cast(onChange)));
    store.synced = true;
    store.recompile();
    return store;
  }

  @SuppressWarnings("unchecked")
  private static <T> ResourceEventHandler<T> cast(ResourceEventHandler<CustomResource<?, ?>> h) {
    return (ResourceEventHandler<T>) (ResourceEventHandler<?>) h;
  }

  private synchronized void recompile() {
    if (!synced) {
      return;
    }
    List<PolicyDocuments.Document> docs = new ArrayList<>();
    for (SharedIndexInformer<?> inf : informers) {
      for (Object o : inf.getStore().list()) {
        CustomResource<?, ?> r = (CustomResource<?, ?>) o;
        docs.add(new PolicyDocuments.Document(r.getKind(), nullToEmpty(r.getMetadata().getNamespace()), r.getMetadata().getName(), resolved(r), ""));
      }
    }
    List<CompiledPolicy> compiled = DirectoryPolicyStore.compileAll(docs, compiler);
    snapshot.set(List.copyOf(compiled));
    log.info("compiled {} policies ({} not ready)", compiled.size(), compiled.stream().filter(p -> !p.ready()).count());
    for (CompiledPolicy p : compiled) {
      writeStatus(p);
    }
  }

  /** A ModelTrustRoot whose Sigstore root is in a ConfigMap gets it inlined before compiling. */
  private CustomResource<?, ?> resolved(CustomResource<?, ?> r) {
    if (!(r instanceof ModelTrustRoot)) {
      return r;
    }
    ModelTrustRoot root = (ModelTrustRoot) r;
    var spec = root.getSpec();
    if (spec == null || spec.sigstore == null || spec.sigstore.trustedRoot != null || spec.sigstore.configMapRef == null) {
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
      log.warn("ModelTrustRoot {}: ConfigMap {}/{} cannot be read: {}", root.getMetadata().getName(), ref.namespace, ref.name, e.getMessage());
    }
    return r;
  }

  private void writeStatus(CompiledPolicy p) {
    if (p.kind().equals("ClusterModelPolicy")) {
      writeStatus(client.resources(ClusterModelPolicy.class).withName(p.name()), p);
    } else if (p.kind().equals("ModelPolicy")) {
      writeStatus(client.resources(ModelPolicy.class).inNamespace(p.namespace()).withName(p.name()), p);
    }
  }

  private <T extends CustomResource<ModelPolicySpec, PolicyStatus>> void writeStatus(
      io.fabric8.kubernetes.client.dsl.Resource<T> op, CompiledPolicy p) {
    try {
      T current = op.get();
      if (current == null) {
        return;
      }
      String status = p.ready() ? "True" : "False";
      String message = p.ready() ? "policy compiled" : String.join("; ", p.errors());
      PolicyStatus old = current.getStatus();
      if (old != null && Objects.equals(old.observedGeneration, current.getMetadata().getGeneration()) && old.conditions.stream()
          .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals(status) && Objects.equals(c.getMessage(), message))) {
        return;
      }
      PolicyStatus s = new PolicyStatus();
      s.observedGeneration = current.getMetadata().getGeneration();
      Condition c = new ConditionBuilder().withType("Ready").withStatus(status).withReason(p.ready() ? "Compiled" : "CompileError")
          .withMessage(message).withLastTransitionTime(Instant.now().toString()).withObservedGeneration(current.getMetadata().getGeneration()).build();
      s.conditions = List.of(c);
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
    informers.forEach(SharedIndexInformer::close);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
