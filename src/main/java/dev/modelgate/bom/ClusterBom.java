package dev.modelgate.bom;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.oci.OciReference;
import dev.modelgate.report.ObjectReference;
import dev.modelgate.report.PolicyReportResult;
import dev.modelgate.report.PolicyResult;
import dev.modelgate.report.VerdictResults;
import dev.modelgate.source.ModelScheme;
import dev.modelgate.source.ModelUri;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Dependency;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.Service;

/**
 * The cluster's bill of materials, from what ModelGate recorded in its PolicyReports (admission and
 * background verification; docs/reports.md): every model a result names, as a {@code
 * machine-learning-model} component with its manifest digest, signers and each policy's latest
 * result as {@code modelgate:} properties, and every workload using one as a service whose {@code
 * dependencies} name its models. It verifies nothing itself: a model is {@code modelgate:verified
 * true} only when every recorded result about it passed, and says when it was last verified.
 *
 * <p>A model is one component per manifest digest (the bytes pulled); models without one (volumes,
 * downloads, tags not pinned) one per namespace and URI, since {@code pvc://} names a claim of that
 * namespace.
 */
public final class ClusterBom {
  /** What was read: the results of every report, and where from. */
  public record Read(List<PolicyReportResult> results, List<String> namespaces, int reports) {
    public Read {
      results = List.copyOf(results);
      namespaces = List.copyOf(namespaces);
    }
  }

  private ClusterBom() {}

  /** A model as the reports name it, with every result about it. */
  private static final class Model {
    final String ref;
    final String digest;
    final Set<String> uris = new LinkedHashSet<>();
    final List<PolicyReportResult> results = new ArrayList<>();

    Model(String ref, String digest) {
      this.ref = ref;
      this.digest = digest;
    }
  }

  public static Bom of(Read read, Instant at, String toolVersion) {
    Map<String, Model> models = new LinkedHashMap<>();
    Map<String, ObjectReference> workloads = new TreeMap<>();
    Map<String, Set<String>> uses = new TreeMap<>();
    for (PolicyReportResult r : read.results()) {
      if (!VerdictResults.SOURCE.equals(r.source()) || r.subject().isEmpty()) {
        continue;
      }
      String uri = r.property(VerdictResults.MODEL_URI).orElse("");
      if (uri.isEmpty()) {
        continue;
      }
      ObjectReference w = r.subject().get();
      String digest = r.property(VerdictResults.DIGEST).orElse("");
      String key = digest.isEmpty() ? "uri:" + w.namespace() + "/" + uri : digest;
      Model m = models.computeIfAbsent(key, k -> new Model("model:" + k, digest));
      m.uris.add(uri);
      m.results.add(r);
      String wref = workloadRef(w);
      workloads.putIfAbsent(wref, w);
      uses.computeIfAbsent(wref, k -> new LinkedHashSet<>()).add(m.ref);
    }
    Bom bom = new Bom();
    bom.setSerialNumber("urn:uuid:" + UUID.randomUUID());
    bom.setVersion(1);
    Metadata meta = new Metadata();
    meta.setTimestamp(Date.from(at));
    meta.setToolChoice(ModelBom.tools(toolVersion));
    List<Property> mp = new ArrayList<>();
    for (String ns : read.namespaces()) {
      BomProperties.add(
          mp, BomProperties.NS + "cluster:namespace", ns.isEmpty() ? "(cluster)" : ns);
    }
    BomProperties.add(mp, BomProperties.NS + "cluster:reports", String.valueOf(read.reports()));
    meta.setProperties(mp);
    bom.setMetadata(meta);
    List<Component> components = new ArrayList<>();
    models.values().forEach(m -> components.add(component(m)));
    bom.setComponents(components);
    List<Service> services = new ArrayList<>();
    List<Dependency> deps = new ArrayList<>();
    for (Map.Entry<String, ObjectReference> e : workloads.entrySet()) {
      services.add(service(e.getKey(), e.getValue()));
      Dependency d = new Dependency(e.getKey());
      uses.get(e.getKey()).forEach(ref -> d.addDependency(new Dependency(ref)));
      deps.add(d);
    }
    for (Model m : models.values()) {
      deps.add(new Dependency(m.ref));
    }
    if (!services.isEmpty()) {
      bom.setServices(services);
      bom.setDependencies(deps);
    }
    return bom;
  }

  private static Component component(Model m) {
    String first = m.uris.iterator().next();
    Component c = new Component();
    c.setType(Component.Type.MACHINE_LEARNING_MODEL);
    c.setBomRef(m.ref);
    c.setName(name(first));
    oci(first)
        .ifPresent(
            ref -> {
              if (!ref.tag().isEmpty()) {
                c.setVersion(ref.tag());
              }
              if (!m.digest.isEmpty()) {
                c.setPurl(ModelBom.ociPurl(ref, m.digest));
              }
            });
    if (!m.digest.isEmpty()) {
      c.setHashes(List.of(ModelBom.ociHash(m.digest)));
    }
    c.setProperties(properties(m));
    return c;
  }

  private static List<Property> properties(Model m) {
    // The latest result per (policy, workload) counts; the model is verified when all pass.
    Map<String, PolicyReportResult> latest = new LinkedHashMap<>();
    for (PolicyReportResult r : m.results) {
      String k = r.policy() + " " + workloadRef(r.subject().orElseThrow());
      PolicyReportResult prev = latest.get(k);
      if (prev == null || r.timestamp().isAfter(prev.timestamp())) {
        latest.put(k, r);
      }
    }
    boolean verified = latest.values().stream().allMatch(r -> r.result() == PolicyResult.PASS);
    Instant last =
        latest.values().stream()
            .filter(r -> r.result() == PolicyResult.PASS)
            .map(PolicyReportResult::timestamp)
            .max(Instant::compareTo)
            .orElse(null);
    List<Property> out = new ArrayList<>();
    BomProperties.add(out, BomProperties.VERIFIED, String.valueOf(verified));
    m.uris.forEach(u -> BomProperties.add(out, BomProperties.SOURCE, u));
    if (last != null) {
      BomProperties.add(out, BomProperties.VERIFICATION_TIME, last.toString());
    }
    distinct(out, latest, VerdictResults.SIGNER, BomProperties.SIGNER_IDENTITY);
    distinct(out, latest, VerdictResults.SIGNING_METHOD, BomProperties.SIGNER_METHOD);
    distinct(out, latest, VerdictResults.SIGNER_ISSUER, BomProperties.SIGNER_ISSUER);
    if (!m.digest.isEmpty()) {
      BomProperties.add(out, BomProperties.MANIFEST_DIGEST, m.digest);
    }
    Map<String, PolicyResult> worst = new LinkedHashMap<>();
    Map<String, String> modes = new LinkedHashMap<>();
    Map<String, Set<String>> authorities = new LinkedHashMap<>();
    for (PolicyReportResult r : latest.values()) {
      worst.merge(r.policy(), r.result(), ClusterBom::worse);
      r.property(VerdictResults.MODE).ifPresent(v -> modes.put(r.policy(), v));
      r.property(VerdictResults.AUTHORITIES)
          .ifPresent(
              v ->
                  authorities
                      .computeIfAbsent(r.policy(), k -> new LinkedHashSet<>())
                      .addAll(List.of(v.split(","))));
    }
    for (Map.Entry<String, PolicyResult> e : worst.entrySet()) {
      String p = e.getKey();
      BomProperties.add(out, BomProperties.POLICY, p);
      BomProperties.add(out, BomProperties.policy(p, "result"), e.getValue().wire());
      if (modes.containsKey(p)) {
        BomProperties.add(out, BomProperties.policy(p, "mode"), modes.get(p));
      }
      for (String a : authorities.getOrDefault(p, Set.of())) {
        BomProperties.add(out, BomProperties.policy(p, "authority"), a);
      }
    }
    for (PolicyReportResult r : latest.values()) {
      if (r.result() != PolicyResult.PASS) {
        BomProperties.add(out, BomProperties.FAILURE, r.message());
      }
    }
    return out;
  }

  /** Every distinct value of a result property, as repeated BOM properties. */
  private static void distinct(
      List<Property> out, Map<String, PolicyReportResult> latest, String key, String name) {
    latest.values().stream()
        .map(r -> r.property(key).orElse(""))
        .filter(v -> !v.isEmpty())
        .distinct()
        .forEach(v -> BomProperties.add(out, name, v));
  }

  /** fail and error outrank warn, warn outranks pass. */
  private static PolicyResult worse(PolicyResult a, PolicyResult b) {
    return rank(b) > rank(a) ? b : a;
  }

  private static int rank(PolicyResult r) {
    switch (r) {
      case PASS:
      case SKIP:
        return 0;
      case WARN:
        return 1;
      case ERROR:
        return 2;
      case FAIL:
      default:
        return 3;
    }
  }

  private static Service service(String ref, ObjectReference w) {
    Service s = new Service();
    s.setBomRef(ref);
    s.setGroup(w.namespace().isEmpty() ? null : w.namespace());
    s.setName(w.kind() + "/" + w.name());
    List<Property> p = new ArrayList<>();
    BomProperties.add(p, BomProperties.NS + "workload:kind", w.kind());
    if (!w.apiVersion().isEmpty()) {
      BomProperties.add(p, BomProperties.NS + "workload:apiVersion", w.apiVersion());
    }
    if (!w.namespace().isEmpty()) {
      BomProperties.add(p, BomProperties.NS + "workload:namespace", w.namespace());
    }
    BomProperties.add(p, BomProperties.NS + "workload:name", w.name());
    s.setProperties(p);
    return s;
  }

  private static String workloadRef(ObjectReference w) {
    return "workload:"
        + w.kind()
        + "/"
        + (w.namespace().isEmpty() ? "" : w.namespace() + "/")
        + w.name();
  }

  private static String name(String uri) {
    try {
      return ModelBom.nameOf(ModelUri.parse(uri));
    } catch (InvalidInputException e) {
      return uri;
    }
  }

  private static Optional<OciReference> oci(String uri) {
    try {
      ModelUri u = ModelUri.parse(uri);
      return u.scheme() == ModelScheme.OCI
          ? Optional.of(OciReference.parse(u.location()))
          : Optional.empty();
    } catch (InvalidInputException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
