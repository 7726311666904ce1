package dev.modelgate.source;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a model is verified, which follows from how the workload delivers it
 * (docs/model-sources.md):
 *
 * <ul>
 *   <li>{@link Stage#ADMISSION}: the webhook reads it itself (OCI artifacts and images, {@code
 *       file://});
 *   <li>{@link Stage#IN_POD}: it is on a pod volume ({@code volume}, a {@code pvc://} or {@code
 *       volume://} URI), read or written there; ModelGate's injected init container verifies it
 *       after the last init container that writes the volume and before anything else uses it;
 *   <li>{@link Stage#POD_REVIEW}: a pod template whose volume another webhook (KServe's pod
 *       mutator) adds only on the Pod; the Pod's own review verifies it, and this verdict says so;
 *   <li>{@link Stage#REFUSED}: nothing ModelGate can place checks it before use; denied with {@code
 *       detail}, which names the scheme and why;
 *   <li>{@link Stage#RUNTIME}: a serving runtime's own argument makes the server fetch or read it
 *       while it runs (a hub ID, a URL, a path in the container image): refused as {@code
 *       RUNTIME_MODEL_SOURCE} with {@code detail} naming container, flag and value;
 *   <li>{@link Stage#RUNTIME_ADAPTERS}: the running server takes adapters through its API (vLLM's
 *       runtime LoRA updating, an adapter sidecar): refused the same way unless the policy sets
 *       {@code verification.allowRuntimeAdapterLoading}.
 * </ul>
 *
 * <p>A model in the pod whose downloader fetches only some of its files ({@code
 * STORAGE_ALLOW_PATTERNS}) carries that {@code selection}: its verifier checks the part downloaded.
 */
public record Placement(
    Stage stage, Optional<ModelUri> volume, String detail, Optional<DownloadSelection> selection) {
  public enum Stage {
    ADMISSION,
    IN_POD,
    POD_REVIEW,
    REFUSED,
    RUNTIME,
    RUNTIME_ADAPTERS
  }

  public static final Placement ADMISSION = new Placement(Stage.ADMISSION, Optional.empty(), "");

  public Placement(Stage stage, Optional<ModelUri> volume, String detail) {
    this(stage, volume, detail, Optional.empty());
  }

  public Placement {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(selection, "selection");
    if (selection.isPresent() && stage != Stage.IN_POD) {
      throw new IllegalArgumentException("only a model verified in the pod is downloaded in part");
    }
    Objects.requireNonNull(volume, "volume");
    Objects.requireNonNull(detail, "detail");
    if ((stage == Stage.IN_POD) != volume.isPresent()) {
      throw new IllegalArgumentException(
          "a model verified in the pod names its volume, and only such a model does");
    }
    volume.ifPresent(
        v -> {
          if (v.scheme() != ModelScheme.PVC && v.scheme() != ModelScheme.VOLUME) {
            throw new IllegalArgumentException(
                "a pod location is a pvc:// or volume:// URI, not " + v);
          }
        });
    if (stage != Stage.ADMISSION && stage != Stage.IN_POD && detail.isBlank()) {
      throw new IllegalArgumentException("a deferred or refused model says why");
    }
  }

  /** On a pod volume: {@code pvc://claim/path} or {@code volume://volume/path}. */
  public static Placement inPod(ModelUri volume) {
    return new Placement(Stage.IN_POD, Optional.of(volume), "");
  }

  /** The same place, the download restricted to what {@code s} selects. */
  public Placement withSelection(DownloadSelection s) {
    return new Placement(stage, volume, detail, Optional.of(s));
  }

  public static Placement podReview(String why) {
    return new Placement(Stage.POD_REVIEW, Optional.empty(), why);
  }

  public static Placement refused(String why) {
    return new Placement(Stage.REFUSED, Optional.empty(), why);
  }

  /** Fetched or read by the serving runtime itself; {@code why} names container, flag and value. */
  public static Placement runtime(String why) {
    return new Placement(Stage.RUNTIME, Optional.empty(), why);
  }

  /** Adapters the running server loads through its API; {@code why} names container and switch. */
  public static Placement runtimeAdapters(String why) {
    return new Placement(Stage.RUNTIME_ADAPTERS, Optional.empty(), why);
  }

  /**
   * What a model named by this URI alone gets: volumes in the pod, downloads refused, the rest at
   * admission.
   */
  public static Placement of(ModelUri uri) {
    switch (uri.scheme()) {
      case PVC:
      case VOLUME:
        return inPod(uri);
      case DOWNLOAD:
        return refused(
            uri.schemeName()
                + ":// is downloaded by a container of the pod, and ModelGate found no init container writing it to a volume it could verify");
      default:
        return ADMISSION;
    }
  }
}
