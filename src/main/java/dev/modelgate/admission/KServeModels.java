package dev.modelgate.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.Failure;
import dev.modelgate.core.FieldPath;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.source.DownloadSelection;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelScheme;
import dev.modelgate.source.ModelUri;
import dev.modelgate.source.Placement;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every model source KServe can put in a pod or pod template (kserve/kserve at commit
 * aaac4e294dae2c7b1aa1886447793f3aa1c30912), found without annotations of ModelGate's own:
 *
 * <ul>
 *   <li>the {@code storage-initializer} init container: its arguments are {@code URI PATH} pairs
 *       (python/storage-initializer/scripts/initializer-entrypoint; one pair for a single {@code
 *       storageUri}, several for {@code storageUris}, oci+fetch sources appended by
 *       pkg/webhook/admission/pod/oci_fetch.go); each pair is one model, verified in the pod on the
 *       volume the initializer mounts at that path;
 *   <li>the {@code internal.serving.kserve.io/storage-initializer-sourceuri} annotation: on a Pod a
 *       {@code pvc://} model (kserve-pvc-source,
 *       pkg/webhook/admission/pod/storage_initializer_injector.go), an {@code oci://} model
 *       (verified at admission; its modelcar is verified too) or {@code oci+native://} (its image
 *       volume), a LocalModelCache claim ({@code pvc://<pvc>/models/<storage key><sub path>}), or a
 *       download with no initializer (refused); on a pod template, where KServe's pod mutator adds
 *       volumes and init containers only to the Pod, a model the Pod's review verifies;
 *   <li>every container whose name starts with {@code modelcar} ({@code modelcar}, {@code
 *       modelcar-1}, …, {@code modelcar-init}, …, pkg/utils/storage.go ModelcarNames): its image,
 *       as an OCI model verified and pinned at admission;
 *   <li>claims KServe mounts directly ({@code kserve-pvc-source}, and {@code storageUris} claims
 *       whose volume is named after the mount path, GetVolumeNameFromPath): {@code pvc://} models;
 *   <li>the model agent ({@code agent} container with {@code --enable-puller}), which downloads
 *       TrainedModels while the pod runs: refused.
 * </ul>
 */
final class KServeModels {
  static final String SOURCE_URI = "internal.serving.kserve.io/storage-initializer-sourceuri";
  static final String LOCAL_MODEL_LABEL = "internal.serving.kserve.io/localmodel";
  static final String LOCAL_MODEL_SOURCE_URI = "internal.serving.kserve.io/localmodel-sourceuri";
  static final String LOCAL_MODEL_PVC = "internal.serving.kserve.io/localmodel-pvc-name";
  static final String STORAGE_INITIALIZER = "storage-initializer";
  static final String PVC_SOURCE_VOLUME = "kserve-pvc-source";
  static final String KSERVE_CONTAINER = "kserve-container";
  static final String ISVC_LABEL = "serving.kserve.io/inferenceservice";
  static final String LLMISVC_PART_OF = "llminferenceservice";
  static final String LORA_PVC_PREFIX = "lora-pvc-";
  static final String OCI_NATIVE = "oci+native://";

  /**
   * The URI KServe writes when the model comes from a {@code storage: {key, path}} spec
   * (pkg/credentials).
   */
  static final String SCHEME_PLACEHOLDER = "<scheme-placeholder>://";

  static final String DEFAULT_NAME = "kserve-storage";

  private final JsonNode spec;
  private final String prefix;
  private final boolean pod;
  private final Map<String, String> annotations;
  private final Map<String, String> labels;
  private final List<ModelReference> models;
  private final List<Failure> problems;

  private KServeModels(
      JsonNode spec,
      String prefix,
      boolean pod,
      Map<String, String> annotations,
      Map<String, String> labels,
      List<ModelReference> models,
      List<Failure> problems) {
    this.spec = spec;
    this.prefix = prefix;
    this.pod = pod;
    this.annotations = annotations;
    this.labels = labels;
    this.models = models;
    this.problems = problems;
  }

  /**
   * Adds the KServe models of one pod template to {@code models}, or the reasons it cannot be read
   * to {@code problems}.
   */
  static void find(
      JsonNode spec,
      String prefix,
      boolean pod,
      Map<String, String> annotations,
      Map<String, String> labels,
      List<ModelReference> models,
      List<Failure> problems) {
    KServeModels k = new KServeModels(spec, prefix, pod, annotations, labels, models, problems);
    boolean initializer = k.storageInitializers();
    k.sourceAnnotation(initializer);
    k.modelcars();
    k.directClaims();
    k.agent();
  }

  /** One model per {@code URI PATH} pair of each storage-initializer; true when there is one. */
  private boolean storageInitializers() {
    boolean found = false;
    JsonNode init = spec.path("initContainers");
    for (int i = 0; i < init.size(); i++) {
      JsonNode c = init.get(i);
      if (!STORAGE_INITIALIZER.equals(c.path("name").asText())) {
        continue;
      }
      found = true;
      String where = prefix + "spec.initContainers[" + i + "]";
      JsonNode args = c.path("args");
      if (!args.isArray()
          || args.size() < 2
          || args.size() % 2 != 0
          || !c.path("command").isMissingNode() && !c.path("command").isNull()) {
        problems.add(
            Failure.atField(
                Reason.MODEL_SOURCE_UNSUPPORTED,
                FieldPath.of(where),
                "("
                    + STORAGE_INITIALIZER
                    + ") does not have KServe's shape (no command, args of URI PATH pairs): "
                    + "ModelGate cannot tell which models it downloads, found command "
                    + c.path("command")
                    + " args "
                    + args));
        continue;
      }
      Optional<List<String>> patterns = allowPatterns(c, where);
      int pairs = args.size() / 2;
      for (int p = 0; p < pairs; p++) {
        String source = args.get(2 * p).asText();
        String dest = args.get(2 * p + 1).asText();
        String field = where + ".args[" + (2 * p) + "]";
        String name = pairs == 1 ? DEFAULT_NAME : DEFAULT_NAME + "-" + volumeNameFromPath(dest);
        try {
          ModelUri uri = ModelUri.download(source.contains("://") ? source : "file://" + source);
          Placement placement = landing(c, dest, where);
          if (placement.volume().isPresent() && patterns.isPresent()) {
            placement =
                placement.withSelection(
                    new DownloadSelection(
                        STORAGE_INITIALIZER,
                        patterns.get(),
                        DownloadSelection.Dialect.forSource(source)));
          }
          models.add(new ModelReference(name, uri, "", field).withPlacement(placement));
        } catch (InvalidInputException e) {
          problems.add(Failure.atField(e.reason(), FieldPath.of(field), e.getMessage()));
        }
      }
    }
    return found;
  }

  /**
   * The patterns that restrict what the initializer downloads ({@code STORAGE_ALLOW_PATTERNS}, the
   * last entry of that name, as the kubelet takes it), empty when it downloads everything. A value
   * ModelGate cannot know at admission ({@code valueFrom}, or {@code $(…)} references the kubelet
   * expands) or cannot read as the initializer reads it is a problem: its verifier would not know
   * which part of the model to expect.
   */
  private Optional<List<String>> allowPatterns(JsonNode c, String where) {
    JsonNode env = c.path("env");
    int at = -1;
    for (int k = 0; k < env.size(); k++) {
      if (DownloadSelection.VARIABLE.equals(env.get(k).path("name").asText())) {
        at = k;
      }
    }
    if (at < 0) {
      return Optional.empty();
    }
    JsonNode e = env.get(at);
    FieldPath field = FieldPath.of(where + ".env[" + at + "]");
    String intro = "(" + STORAGE_INITIALIZER + ") " + DownloadSelection.VARIABLE + " ";
    if (e.has("valueFrom") || !(e.path("value").isTextual() || e.path("value").isMissingNode())) {
      problems.add(
          Failure.atField(
              Reason.MODEL_SOURCE_UNSUPPORTED,
              field,
              intro
                  + "comes from valueFrom, which cannot be known at admission: ModelGate cannot tell which files the download keeps, so nothing could verify it; set the patterns as a value"));
      return Optional.empty();
    }
    String value = e.path("value").asText("");
    if (value.contains("$(") || value.contains("$$")) {
      problems.add(
          Failure.atField(
              Reason.MODEL_SOURCE_UNSUPPORTED,
              field,
              intro
                  + "contains a $(VAR) reference or $$, which the kubelet expands when the container starts: ModelGate cannot tell which files the download keeps"));
      return Optional.empty();
    }
    try {
      List<String> patterns = DownloadSelection.parseKServeValue(value);
      return patterns.isEmpty() ? Optional.empty() : Optional.of(patterns);
    } catch (InvalidInputException ex) {
      problems.add(
          Failure.atField(ex.reason(), field, "(" + STORAGE_INITIALIZER + ") " + ex.getMessage()));
      return Optional.empty();
    }
  }

  /**
   * Where a download to {@code dest} lands: the volume the initializer mounts there, or refused.
   */
  private static Placement landing(JsonNode initializer, String dest, String where) {
    JsonNode best = null;
    for (JsonNode m : initializer.path("volumeMounts")) {
      String mp = trimSlash(m.path("mountPath").asText());
      if ((dest.equals(mp) || dest.startsWith(mp + "/") || mp.isEmpty())
          && (best == null || mp.length() > trimSlash(best.path("mountPath").asText()).length())) {
        best = m;
      }
    }
    if (best == null) {
      return Placement.refused(
          where
              + " downloads to "
              + dest
              + ", which is on no volume it mounts: ModelGate has nowhere to verify it");
    }
    if (best.has("subPathExpr")) {
      return Placement.refused(
          where
              + " mounts the volume at "
              + best.path("mountPath").asText()
              + " with subPathExpr, which ModelGate cannot resolve at admission");
    }
    String rest = trimSlash(dest).substring(trimSlash(best.path("mountPath").asText()).length());
    String path =
        (best.path("subPath").asText("") + "/" + rest)
            .replaceAll("/+", "/")
            .replaceAll("^/|/$", "");
    try {
      return Placement.inPod(
          ModelUri.parse(
              "volume://" + best.path("name").asText() + (path.isEmpty() ? "" : "/" + path)));
    } catch (InvalidInputException e) {
      return Placement.refused(where + " downloads to " + dest + ": " + e.getMessage());
    }
  }

  private void sourceAnnotation(boolean initializer) {
    String source = annotations.get(SOURCE_URI);
    if (source == null) {
      return;
    }
    String field = prefix + "metadata.annotations[" + SOURCE_URI + "]";
    try {
      if (labels.containsKey(LOCAL_MODEL_LABEL)) {
        localModel(source, field);
      } else if (source.startsWith(ModelScheme.PVC.prefix())) {
        ModelUri uri = ModelUri.parse(source);
        ModelReference m = new ModelReference(DEFAULT_NAME, uri, "", field);
        models.add(
            pod || claimMounted(uri.location())
                ? m
                : m.withPlacement(
                    Placement.podReview(
                        "KServe's pod webhook mounts claim "
                            + uri.location()
                            + " only on the Pod, whose review requires ModelGate's verifier")));
      } else if (source.startsWith(ModelScheme.OCI.prefix())) {
        models.add(new ModelReference(DEFAULT_NAME, ModelUri.parse(source), "", field));
      } else if (source.startsWith(OCI_NATIVE)) {
        // An image volume of the same reference (pkg/utils/storage.go ParseOciScheme,
        // ConfigureOciNativeToContainer): verified at admission, one model with the volume.
        models.add(
            new ModelReference(
                DEFAULT_NAME,
                ModelUri.parse(ModelScheme.OCI.prefix() + source.substring(OCI_NATIVE.length())),
                "",
                field));
      } else if (!initializer) {
        download(source, field);
      }
      // Otherwise the storage-initializer's arguments name the download (with a storage spec, as
      // rewritten by KServe).
    } catch (InvalidInputException e) {
      problems.add(Failure.atField(e.reason(), FieldPath.of(field), e.getMessage()));
    }
  }

  private void download(String source, String field) {
    String text =
        source.startsWith(SCHEME_PLACEHOLDER)
            ? "storage-spec://" + source.substring(SCHEME_PLACEHOLDER.length())
            : source;
    ModelUri uri = ModelUri.download(text);
    Placement placement =
        pod
            ? Placement.refused(
                uri.schemeName()
                    + ":// model "
                    + source
                    + " has no storage-initializer init container downloading it in this Pod"
                    + " (KServe's pod webhook did not run, or something else fetches it): nothing ModelGate can place verifies it before use")
            : Placement.podReview(
                "KServe's pod webhook adds the storage-initializer that downloads "
                    + uri.schemeName()
                    + ":// models only to the Pod,"
                    + " whose review places ModelGate's verifier after it");
    models.add(new ModelReference(DEFAULT_NAME, uri, "", field).withPlacement(placement));
  }

  /**
   * A LocalModelCache: KServe mounts pvc://{pvc}/models/{sha256(source)[:16]}{sub path} instead of
   * downloading.
   */
  private void localModel(String source, String field) {
    String cached = annotations.getOrDefault(LOCAL_MODEL_SOURCE_URI, "");
    String pvc = annotations.get(LOCAL_MODEL_PVC);
    ModelUri uri = ModelUri.download(source);
    if (pvc == null) {
      problems.add(
          Failure.atField(
              Reason.MODEL_SOURCE_UNSUPPORTED,
              FieldPath.of(field),
              "the pod is labelled "
                  + LOCAL_MODEL_LABEL
                  + " but has no "
                  + LOCAL_MODEL_PVC
                  + " annotation: the cached model's claim is unknown"));
      return;
    }
    String sub = source.startsWith(cached) ? source.substring(cached.length()) : source;
    sub = sub.startsWith("/") ? sub : "/" + sub;
    ModelUri claim = ModelUri.parse("pvc://" + pvc + "/models/" + storageKey(cached) + sub);
    Placement placement =
        pod || claimMounted(pvc)
            ? Placement.inPod(claim)
            : Placement.podReview(
                "KServe's pod webhook mounts the LocalModelCache claim "
                    + claim
                    + " only on the Pod, whose review requires ModelGate's verifier");
    models.add(new ModelReference(DEFAULT_NAME, uri, "", field).withPlacement(placement));
  }

  /**
   * pkg/apis/serving/v1alpha1/local_model_cache_types.go GetStorageKey: the first 16 hex digits of
   * SHA-256.
   */
  static String storageKey(String sourceUri) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(sourceUri.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  private void modelcars() {
    for (String kind : List.of("containers", "initContainers")) {
      JsonNode cs = spec.path(kind);
      for (int i = 0; i < cs.size(); i++) {
        JsonNode c = cs.get(i);
        if (!c.path("name").asText().startsWith("modelcar")) {
          continue;
        }
        String field = prefix + "spec." + kind + "[" + i + "].image";
        try {
          models.add(
              new ModelReference(
                  c.path("name").asText(),
                  ModelUri.parse("oci://" + c.path("image").asText()),
                  "",
                  field));
        } catch (InvalidInputException e) {
          problems.add(Failure.atField(e.reason(), FieldPath.of(field), e.getMessage()));
        }
      }
    }
  }

  /**
   * Claims KServe mounts itself, not named otherwise: kserve-pvc-source (also on
   * LLMInferenceService Deployments, pkg/controller/v1alpha2/llmisvc/workload_storage.go
   * attachPVCModelArtifact), LoRA adapter claims {@code lora-pvc-<adapter>} (workload_lora.go
   * attachLoraPVCAdapter), and in a KServe workload the storageUris claims named after their mount
   * path.
   */
  private void directClaims() {
    boolean kserve = kserveShaped();
    JsonNode volumes = spec.path("volumes");
    for (int i = 0; i < volumes.size(); i++) {
      JsonNode v = volumes.get(i);
      String claim = v.path("persistentVolumeClaim").path("claimName").asText("");
      String name = v.path("name").asText();
      if (claim.isEmpty()
          || models.stream()
              .anyMatch(
                  m ->
                      m.placement()
                          .volume()
                          .filter(u -> u.scheme() == ModelScheme.PVC && u.location().equals(claim))
                          .isPresent())) {
        continue;
      }
      JsonNode mount = firstMount(name);
      boolean kserveNamed =
          name.equals(PVC_SOURCE_VOLUME)
              || name.startsWith(LORA_PVC_PREFIX)
              || kserve
                  && mount != null
                  && name.equals(volumeNameFromPath(mount.path("mountPath").asText()));
      if (!kserveNamed || mount == null || name.equals(PVC_SOURCE_VOLUME) && localModelDownload()) {
        continue;
      }
      String field = prefix + "spec.volumes[" + i + "].persistentVolumeClaim.claimName";
      String sub = trimSlash(mount.path("subPath").asText(""));
      try {
        models.add(
            new ModelReference(
                name.equals(PVC_SOURCE_VOLUME) ? DEFAULT_NAME : name,
                ModelUri.parse("pvc://" + claim + (sub.isEmpty() ? "" : "/" + sub)),
                "",
                field));
      } catch (InvalidInputException e) {
        problems.add(Failure.atField(e.reason(), FieldPath.of(field), e.getMessage()));
      }
    }
  }

  private void agent() {
    JsonNode cs = spec.path("containers");
    for (int i = 0; i < cs.size(); i++) {
      JsonNode c = cs.get(i);
      if (!"agent".equals(c.path("name").asText())) {
        continue;
      }
      for (JsonNode a : c.path("args")) {
        if ("--enable-puller".equals(a.asText())) {
          String field = prefix + "spec.containers[" + i + "].args";
          models.add(
              new ModelReference(
                      "kserve-agent",
                      ModelUri.download("trainedmodel://" + c.path("name").asText()),
                      "",
                      field)
                  .withPlacement(
                      Placement.refused(
                          "KServe's model agent (--enable-puller) downloads TrainedModel storage URIs while the pod runs: ModelGate cannot verify them before use")));
          break;
        }
      }
    }
  }

  private boolean kserveShaped() {
    if (labels.containsKey(ISVC_LABEL)
        || LLMISVC_PART_OF.equals(labels.get("app.kubernetes.io/part-of"))) {
      return true;
    }
    for (JsonNode c : spec.path("containers")) {
      if (KSERVE_CONTAINER.equals(c.path("name").asText())) {
        return true;
      }
    }
    return false;
  }

  private boolean claimMounted(String claim) {
    for (JsonNode v : spec.path("volumes")) {
      if (claim.equals(v.path("persistentVolumeClaim").path("claimName").asText())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The pod of a LocalModelNode download Job, which writes {@code kserve-pvc-source} and reads no
   * model from it: kserve/kserve
   * pkg/controller/v1alpha1/localmodelnode/controller.go @002b479744a953bd631d927bea9de2a2135825fa
   * (launchJob) gives its one container, whatever its image (a ClusterStorageContainer's or the
   * storage-initializer), exactly the arguments {@code [sourceModelUri, /mnt/models]} and the claim
   * mounted writable at that path. The models it writes are verified where they are read (the
   * {@code localmodel} pods); its writes are the claim-writer rule's (MODEL_CLAIM_WRITER).
   */
  private boolean localModelDownload() {
    JsonNode cs = spec.path("containers");
    if (cs.size() != 1) {
      return false;
    }
    JsonNode args = cs.get(0).path("args");
    for (JsonNode m : cs.get(0).path("volumeMounts")) {
      if (PVC_SOURCE_VOLUME.equals(m.path("name").asText())
          && !m.path("readOnly").asBoolean(false)
          && args.size() == 2
          && args.get(0).asText().contains("://")
          && args.get(1).asText().equals(m.path("mountPath").asText())) {
        return true;
      }
    }
    return false;
  }

  private JsonNode firstMount(String volume) {
    for (String kind : List.of("containers", "initContainers")) {
      for (JsonNode c : spec.path(kind)) {
        for (JsonNode m : c.path("volumeMounts")) {
          if (volume.equals(m.path("name").asText())) {
            return m;
          }
        }
      }
    }
    return null;
  }

  /** pkg/utils/storage.go GetVolumeNameFromPath: "/mnt/models/a" is "mnt-models-a". */
  static String volumeNameFromPath(String path) {
    return trimSlash(path).replaceAll("^/+", "").replace('/', '-');
  }

  private static String trimSlash(String s) {
    return s.replaceAll("/+$", "");
  }
}
