package dev.modelgate.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.admission.runtimeargs.CoveredRead;
import dev.modelgate.admission.runtimeargs.RuntimeSources;
import dev.modelgate.admission.serving.ServingInspector;
import dev.modelgate.core.Failure;
import dev.modelgate.core.FieldPath;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.inpod.ClaimTemplates;
import dev.modelgate.inpod.VerifiedClaims;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelScheme;
import dev.modelgate.source.ModelUri;
import dev.modelgate.source.OciVolumes;
import dev.modelgate.source.Placement;
import dev.modelgate.source.RegistryAccess;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the pod template of a workload and every model it names (DESIGN.md section 3):
 *
 * <ul>
 *   <li>annotations {@code model.modelgate.dev/<name>: <uri>} (and {@code
 *       signature.modelgate.dev/<name>: <path>}) on the pod template, or on the Pod;
 *   <li>image volumes, {@code spec.volumes[].image.reference}, and ModelPack CSI volumes ({@code
 *       csi.volumeAttributes[model.csi.modelpack.org/reference]}), as {@code oci://};
 *   <li>every source KServe puts in a pod ({@link KServeModels}): storage-initializer downloads,
 *       claims, modelcars, LocalModelCaches;
 *   <li>the model arguments of known serving runtimes ({@link RuntimeSources}): covered by a model
 *       found above, an implicit {@code volume://} model, or a download the server makes itself;
 *   <li>models a policy declares for the workload ({@code spec.declaredModels}).
 * </ul>
 *
 * Each model carries its {@link dev.modelgate.source.Placement}: where it is verified.
 */
public final class WorkloadInspector {
  public static final String MODEL_PREFIX = "model.modelgate.dev/";
  public static final String SIGNATURE_PREFIX = "signature.modelgate.dev/";
  public static final String KSERVE_SOURCE_URI = KServeModels.SOURCE_URI;

  /** Most models verified for one workload: each costs a verification before the deadline. */
  public static final int MAX_MODELS = 64;

  /** True for the kinds the webhook is sent and reviews: those with a pod template. */
  public static boolean reviews(String kind) {
    return templatePath(kind) != null;
  }

  /**
   * True for everything the webhook reviews: workloads with a pod template, and the serving
   * resources that make them ({@link ServingInspector}), told apart by {@code object}'s apiVersion.
   */
  public static boolean reviews(String kind, JsonNode object) {
    return reviews(kind) || ServingInspector.reviews(kind, object);
  }

  /** The path of the pod template in each workload kind. */
  static String templatePath(String kind) {
    switch (kind) {
      case "Pod":
        return "";
      case "Deployment":
      case "ReplicaSet":
      case "StatefulSet":
      case "DaemonSet":
      case "Job":
        return "spec.template";
      case "CronJob":
        return "spec.jobTemplate.spec.template";
      default:
        return null;
    }
  }

  /**
   * The pod template at {@code path} (from {@link #templatePath}); the object itself for "". A
   * StatefulSet's claim templates are among its volumes, as in the pods it creates ({@link
   * ClaimTemplates}).
   */
  static JsonNode podTemplate(String kind, JsonNode object, String path) {
    JsonNode n = object;
    for (String part : path.isEmpty() ? new String[0] : path.split("\\.")) {
      n = n.path(part);
    }
    return ClaimTemplates.podTemplate(kind, object, n);
  }

  /**
   * The models on claims {@code object} declares, as the pods made from it would have them verified
   * ({@link VerifiedClaims#declaredIn}): for {@code check}, where the other workloads of the input
   * stand for the cluster's pods. None for a kind without a pod template.
   */
  public List<VerifiedClaims.ClaimModel> claimModels(
      String kind, String namespace, String name, JsonNode object) {
    String path = templatePath(kind);
    if (path == null) {
      return List.of();
    }
    Workload w = inspect(kind, namespace, name, object);
    return VerifiedClaims.declaredIn(
        kind + "/" + name, podTemplate(kind, object, path), w.labels(), w.models());
  }

  public Workload inspect(String kind, String namespace, String name, JsonNode object) {
    return inspect(kind, namespace, name, object, List.of());
  }

  /**
   * As above, with {@code declared} models a policy declares for this workload ({@code
   * spec.declaredModels}), taken as if the pod template were annotated with them (an annotation of
   * the same name wins).
   */
  public Workload inspect(
      String kind, String namespace, String name, JsonNode object, List<ModelReference> declared) {
    String path = templatePath(kind);
    if (path == null) {
      return new Workload(
          kind,
          namespace,
          name,
          Map.of(),
          List.of(),
          List.of(
              Failure.atField(
                  Reason.REQUEST_MALFORMED,
                  FieldPath.of("kind"),
                  "kind "
                      + kind
                      + " is not a workload ModelGate inspects (Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob)")));
    }
    JsonNode template = podTemplate(kind, object, path);
    if (!template.isObject()) {
      return new Workload(
          kind,
          namespace,
          name,
          Map.of(),
          List.of(),
          List.of(
              Failure.atField(
                  Reason.REQUEST_MALFORMED,
                  FieldPath.of(path),
                  kind + " '" + name + "' has no pod template at " + path)));
    }
    String prefix = path.isEmpty() ? "" : path + ".";
    List<Failure> problems = new ArrayList<>();
    List<ModelReference> models = new ArrayList<>();
    Map<String, String> annotations = strings(template.path("metadata").path("annotations"));
    Map<String, String> signatures =
        annotationModels(annotations, prefix + "metadata.annotations", models, problems);
    for (ModelReference d : declared) {
      if (models.stream().noneMatch(m -> m.name().equals(d.name()))) {
        models.add(d);
      }
    }
    imageVolumes(template.path("spec"), prefix + "spec", models, problems);
    KServeModels.find(
        template.path("spec"),
        prefix,
        path.isEmpty(),
        annotations,
        strings(template.path("metadata").path("labels")),
        models,
        problems);
    RuntimeSources.Found runtime = RuntimeSources.find(template.path("spec"), prefix, models);
    models.addAll(runtime.models());
    signatures(signatures, prefix + "metadata.annotations", models, problems);
    List<String> secrets = new ArrayList<>();
    template
        .path("spec")
        .path("imagePullSecrets")
        .forEach(sref -> secrets.add(sref.path("name").asText()));
    RegistryAccess access =
        new RegistryAccess(
            namespace, template.path("spec").path("serviceAccountName").asText("default"), secrets);
    models.replaceAll(m -> m.uri().scheme() == ModelScheme.OCI ? m.withAccess(access) : m);
    if (models.size() > MAX_MODELS) {
      problems.add(
          Failure.of(
              Reason.LIMIT_EXCEEDED,
              "%s '%s' names %d models; ModelGate verifies at most %d per workload",
              kind,
              name,
              models.size(),
              MAX_MODELS));
      models = models.subList(0, 0);
    }
    Map<String, String> survivors = new HashMap<>();
    models = merged(models, survivors);
    // A read inside a model merged into another is a read inside the one that remains.
    List<CoveredRead> reads =
        runtime.reads().stream()
            .map(
                r ->
                    new CoveredRead(
                        survivors.getOrDefault(r.model(), r.model()),
                        r.inModel(),
                        r.container(),
                        r.flag(),
                        r.value()))
            .toList();
    return new Workload(
        kind,
        namespace,
        name,
        strings(template.path("metadata").path("labels")),
        models,
        problems,
        reads);
  }

  /** The models declared by annotation; returns the signature annotations, by model name. */
  private static Map<String, String> annotationModels(
      Map<String, String> annotations,
      String where,
      List<ModelReference> models,
      List<Failure> problems) {
    Map<String, String> signatures = new HashMap<>();
    for (Map.Entry<String, String> e : annotations.entrySet()) {
      if (e.getKey().startsWith(SIGNATURE_PREFIX)) {
        signatures.put(e.getKey().substring(SIGNATURE_PREFIX.length()), e.getValue());
      }
    }
    for (Map.Entry<String, String> e : annotations.entrySet()) {
      if (!e.getKey().startsWith(MODEL_PREFIX)) {
        continue;
      }
      String name = e.getKey().substring(MODEL_PREFIX.length());
      String field = where + "[" + e.getKey() + "]";
      try {
        models.add(
            new ModelReference(
                name, ModelUri.parse(e.getValue()), signatures.getOrDefault(name, ""), field));
      } catch (InvalidInputException ex) {
        problems.add(Failure.atField(ex.reason(), FieldPath.of(field), ex.getMessage()));
      }
      signatures.remove(name);
    }
    return signatures;
  }

  /**
   * A signature annotation for a model found without one (KServe's {@code kserve-storage}, ...)
   * applies to it.
   */
  private static void signatures(
      Map<String, String> signatures,
      String where,
      List<ModelReference> models,
      List<Failure> problems) {
    for (Map.Entry<String, String> e : signatures.entrySet()) {
      boolean used = false;
      for (int i = 0; i < models.size(); i++) {
        if (models.get(i).name().equals(e.getKey()) && models.get(i).signaturePath().isEmpty()) {
          try {
            models.set(i, models.get(i).withSignature(e.getValue()));
            used = true;
          } catch (InvalidInputException ex) {
            problems.add(
                Failure.atField(
                    ex.reason(),
                    FieldPath.of(where).key(SIGNATURE_PREFIX + e.getKey()),
                    ex.getMessage()));
            used = true;
          }
        }
      }
      if (!used) {
        problems.add(
            Failure.atField(
                Reason.MODEL_REFERENCE_INVALID,
                FieldPath.of(where).key(SIGNATURE_PREFIX + e.getKey()),
                "names a signature for model '"
                    + e.getKey()
                    + "', which has no "
                    + MODEL_PREFIX
                    + e.getKey()
                    + " annotation and is not a model ModelGate found in the pod"));
      }
    }
  }

  /**
   * OCI models a volume mounts ({@link OciVolumes}): image volumes and ModelPack CSI volumes, the
   * same kind of artifact pulled by the kubelet or by the driver, verified at admission from the
   * manifest and pinned by /mutate at that field.
   */
  private static void imageVolumes(
      JsonNode spec, String where, List<ModelReference> models, List<Failure> problems) {
    JsonNode volumes = spec.path("volumes");
    for (int i = 0; i < volumes.size(); i++) {
      var ref = OciVolumes.of(volumes.get(i));
      if (OciVolumes.modelPackDynamic(volumes.get(i))) {
        String name = volumes.get(i).path("name").asText("volume-" + i);
        models.add(
            new ModelReference(
                    name,
                    ModelUri.download("modelpack-dynamic://" + name),
                    "",
                    where + ".volumes[" + i + "].csi")
                .withPlacement(
                    Placement.runtime(
                        "volume '"
                            + name
                            + "' is a ModelPack CSI volume without "
                            + OciVolumes.MODELPACK_REFERENCE
                            + ": the driver mounts its dynamic root, whose csi/csi.sock lets the pod mount any OCI model while it runs (model-csi-cli mount --reference), which nothing verifies; name the model in "
                            + OciVolumes.MODELPACK_REFERENCE)));
      }
      if (ref.isEmpty()) {
        continue;
      }
      String field = where + ".volumes[" + i + "]." + ref.get().field();
      try {
        models.add(
            new ModelReference(
                volumes.get(i).path("name").asText("volume-" + i),
                ModelUri.parse("oci://" + ref.get().text()),
                "",
                field));
      } catch (InvalidInputException ex) {
        problems.add(Failure.atField(ex.reason(), FieldPath.of(field), ex.getMessage()));
      }
    }
  }

  /**
   * Two fields naming the very same model (an annotation and a modelcar, {@code modelcar} and
   * {@code modelcar-init}, two volume models on one path) are one model: one verdict, one verifier,
   * every field pinned. {@code survivors} gets, for each model merged away, the name of the one it
   * was merged into.
   */
  private static List<ModelReference> merged(
      List<ModelReference> models, Map<String, String> survivors) {
    Map<String, ModelReference> byKey = new LinkedHashMap<>();
    for (ModelReference m : models) {
      String key = m.uri().scheme() + " " + m.uri() + " " + m.placement();
      ModelReference first = byKey.get(key);
      if (first != null) {
        survivors.put(m.name(), first.name());
      }
      byKey.put(key, first == null ? m : first.alsoAt(m.field()));
    }
    return new ArrayList<>(byKey.values());
  }

  private static Map<String, String> strings(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }
}
