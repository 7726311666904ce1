package dev.modelgate.source;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Pod volumes whose content is an OCI artifact pulled by reference, so the model is verified at
 * admission from its manifest and pinned to the digest verified: image volumes ({@code
 * image.reference}, pulled by the kubelet) and CNCF ModelPack CSI volumes ({@code csi: {driver:
 * model.csi.modelpack.org, volumeAttributes: {model.csi.modelpack.org/reference: …}}}, pulled by
 * modelpack/model-csi-driver). Other CSI drivers, and the ModelPack driver without the attribute
 * (its dynamic mount, which the driver fills later), are not models ModelGate can read here.
 */
public final class OciVolumes {
  /** The driver's name: its default {@code service_name} (modelpack/model-csi-driver). */
  public static final String MODELPACK_DRIVER = "model.csi.modelpack.org";

  /**
   * The one volume attribute the driver pulls a model from: {@code <service_name>/reference}
   * (modelpack/model-csi-driver pkg/config/config.go @0265c2ee9b5cb8630a4096d06d95892e82898dc2,
   * ParameterKeyReference; pkg/service/node.go @16fbff9f2565100016841152174aeea05c4f02ff,
   * nodePublishVolume). A {@code modelRef} attribute, as some documents spell it, is not read.
   */
  public static final String MODELPACK_REFERENCE = MODELPACK_DRIVER + "/reference";

  /** An OCI reference a volume mounts, and the field under the volume that holds it. */
  public record Reference(String text, String field) {}

  private OciVolumes() {}

  /** The OCI reference {@code volume} mounts, if it is an image or ModelPack CSI volume. */
  public static Optional<Reference> of(JsonNode volume) {
    JsonNode image = volume.path("image").path("reference");
    if (!image.isMissingNode()) {
      return Optional.of(new Reference(image.asText(), "image.reference"));
    }
    JsonNode csi = volume.path("csi");
    JsonNode ref = csi.path("volumeAttributes").path(MODELPACK_REFERENCE);
    if (MODELPACK_DRIVER.equals(csi.path("driver").asText()) && !ref.isMissingNode()) {
      return Optional.of(
          new Reference(
              fetchedByDriver(ref.asText()), "csi.volumeAttributes[" + MODELPACK_REFERENCE + "]"));
    }
    return Optional.empty();
  }

  /**
   * A ModelPack CSI volume without a reference: the driver mounts its dynamic root, a directory
   * holding the socket ({@code csi/csi.sock}) through which whatever runs in the pod mounts any OCI
   * model into the volume while it runs
   * (modelpack/model-csi-driver @9712173c1a1540a25bfb087d934ed80e1cb638b4: pkg/service/node.go
   * nodePublishVolume, node_dynamic.go nodePublishVolumeDynamicForRootMount,
   * dynamic_server_handler.go CreateVolume; cmd/model-csi-cli {@code mount --reference}).
   */
  public static boolean modelPackDynamic(JsonNode volume) {
    JsonNode csi = volume.path("csi");
    return MODELPACK_DRIVER.equals(csi.path("driver").asText())
        && csi.path("volumeAttributes").path(MODELPACK_REFERENCE).isMissingNode();
  }

  /**
   * The reference the ModelPack driver fetches for {@code text}: with a tag and a digest, the tag
   * alone. The driver pulls through modctl (v0.1.2-alpha.0, model-csi-driver
   * go.mod @9712173c1a1540a25bfb087d934ed80e1cb638b4), whose Pull and Fetch call {@code
   * FetchReference(ctx, ref.Tag())} (modelpack/modctl pkg/backend/pull.go, fetch.go
   *
   * @e5923143a8ad9ccf60336ea0781619bbce88c17d): the digest beside a tag is never sent, so the model
   *     is whatever the tag names, which is what is verified (and what /mutate pins, digest only),
   *     not the digest written beside it.
   */
  static String fetchedByDriver(String text) {
    int at = text.indexOf('@');
    return at >= 0 && tagAt(text.substring(0, at)) >= 0 ? text.substring(0, at) : text;
  }

  /**
   * {@code host/repo@sha256:…} from {@code host/repo:tag@sha256:…}: the only reference that names
   * the verified manifest to the driver (see {@link #fetchedByDriver}).
   */
  public static String digestOnly(String pinned) {
    int at = pinned.indexOf('@');
    if (at < 0) {
      return pinned;
    }
    String name = pinned.substring(0, at);
    int colon = tagAt(name);
    return (colon >= 0 ? name.substring(0, colon) : name) + pinned.substring(at);
  }

  /**
   * Where the {@code :tag} of a reference without digest starts, or -1 (a registry port is no tag).
   */
  private static int tagAt(String name) {
    int colon = name.lastIndexOf(':');
    return colon > name.lastIndexOf('/') ? colon : -1;
  }
}
