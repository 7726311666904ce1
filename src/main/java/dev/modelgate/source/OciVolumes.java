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
          new Reference(ref.asText(), "csi.volumeAttributes[" + MODELPACK_REFERENCE + "]"));
    }
    return Optional.empty();
  }
}
