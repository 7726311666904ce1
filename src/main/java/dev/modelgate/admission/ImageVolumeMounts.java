package dev.modelgate.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.source.MountSubPath;
import dev.modelgate.source.OciVolumes;
import java.util.ArrayList;
import java.util.List;

/**
 * An image volume holds a whole container file system; when a policy verified only its model
 * directory ({@code verification.imageModelPath}, default {@code /models}: a modelcar's layout),
 * every mount of the volume must show that directory or below it ({@code subPath: models}, as
 * KServe mounts {@code oci+native://} models, pkg/utils/storage.go ConfigureOciNativeToContainer
 *
 * @aaac4e29), or the app reads the rest of the image, which nothing verified. An artifact's files
 *     (CRI-O mounts each layer as a file at the volume's root) and an image whose every layer a
 *     signed statement names were verified whole: any mount of them shows verified bytes.
 */
final class ImageVolumeMounts {
  private static final List<String> KINDS =
      List.of("initContainers", "containers", "ephemeralContainers");

  private ImageVolumeMounts() {}

  /**
   * MOUNT_OUTSIDE_MODEL for each mount of the image volumes that deliver the verdict's model
   * outside the directory it verified; {@code kinds} are the container lists to read (a running
   * pod's containers cannot change, only ephemeral containers can be added).
   */
  static List<Failure> check(JsonNode podSpec, ModelVerdict v, String policy, List<String> kinds) {
    if (v.imageDirectory().isEmpty() || !v.failures().isEmpty()) {
      return List.of();
    }
    List<Failure> out = new ArrayList<>();
    if (kinds.contains("containers")) {
      // A running pod's containers cannot change: judged when it was created.
      out.addAll(ModelcarLinks.check(podSpec, v, policy));
    }
    String dir = v.imageDirectory().get().substring(1);
    for (String volume : volumesOf(podSpec, v.model().uri().toString())) {
      for (String kind : kinds) {
        for (JsonNode c : podSpec.path(kind)) {
          for (JsonNode m : c.path("volumeMounts")) {
            if (!volume.equals(m.path("name").asText())) {
              continue;
            }
            MountSubPath mounted = MountSubPath.of(m);
            String sub = mounted.path();
            if (!mounted.within(dir)) {
              out.add(
                  Failure.of(
                      Reason.MOUNT_OUTSIDE_MODEL,
                      "container '%s' mounts image volume '%s' (%s) at %s, but policy %s verified only its directory %s (verification.imageModelPath): mount it with subPath: %s",
                      c.path("name").asText(),
                      volume,
                      v.model().uri(),
                      mounted.expression() != null
                          ? "subPathExpr " + mounted.expression()
                          : sub.isEmpty() ? "its root" : "subPath '" + sub + "'",
                      policy,
                      v.imageDirectory().get(),
                      dir));
            }
          }
        }
      }
    }
    return out;
  }

  /** All containers, or (for a running pod) its ephemeral containers only. */
  static List<String> kinds(boolean running) {
    return running ? List.of("ephemeralContainers") : KINDS;
  }

  /**
   * The volumes whose OCI reference is the model (as /validate sees it: pinned or not): image
   * volumes, and ModelPack CSI volumes (whatever the driver makes of an image's layers, only the
   * model directory of them was verified).
   */
  private static List<String> volumesOf(JsonNode podSpec, String uri) {
    List<String> out = new ArrayList<>();
    for (JsonNode vol : podSpec.path("volumes")) {
      if (OciVolumes.of(vol).filter(r -> uri.equals("oci://" + r.text())).isPresent()) {
        out.add(vol.path("name").asText());
      }
    }
    return out;
  }
}
