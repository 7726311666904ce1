package dev.modelgate.admission.serving;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelScheme;
import dev.modelgate.source.ModelUri;
import dev.modelgate.source.Placement;

/**
 * A storage URI as written in a serving resource, read with the rules of the pods KServe makes from
 * it (kserve/kserve aaac4e294dae2c7b1aa1886447793f3aa1c30912,
 * pkg/webhook/admission/pod/storage_initializer_injector.go and pkg/utils/storage.go
 * ParseOciScheme), so that the resource and its pods name the very same model URI and policies
 * match both alike:
 *
 * <ul>
 *   <li>{@code oci://} (a modelcar, or an image volume in native mode) and {@code oci+native://}
 *       (an image volume): verified at admission, as the Pod's review does;
 *   <li>{@code oci+fetch://}: the storage-initializer fetches {@code oci://…} into the Pod, so the
 *       model is {@code oci://…} as a download, verified in the Pod;
 *   <li>{@code pvc://claim/path}: the claim KServe mounts on the Pod, verified there;
 *   <li>every other scheme ({@code s3://}, {@code gs://}, {@code hf://}, {@code https://}, Azure,
 *       {@code hdfs://}, ...): downloaded by the storage-initializer in the Pod and verified there
 *       by ModelGate's init container, placed by the Pod's review.
 * </ul>
 */
final class StorageSource {
  static final String OCI_PLUS = "oci+";
  static final String NATIVE = "native";

  private StorageSource() {}

  /**
   * The model KServe makes a pod from. {@code who} says which KServe component puts it in the pod,
   * for the verdict.
   */
  static ModelReference kserve(String name, String text, String field, String who) {
    if (text.isBlank()) {
      throw new InvalidInputException(Reason.MODEL_REFERENCE_INVALID, "storage URI is empty");
    }
    if (text.startsWith(ModelScheme.OCI.prefix())) {
      return new ModelReference(name, ModelUri.parse(text), "", field);
    }
    if (text.startsWith(OCI_PLUS) && text.indexOf("://") > OCI_PLUS.length()) {
      String mode = text.substring(OCI_PLUS.length(), text.indexOf("://"));
      String normal = ModelScheme.OCI.prefix() + text.substring(text.indexOf("://") + 3);
      if (mode.equals(NATIVE)) {
        return new ModelReference(name, ModelUri.parse(normal), "", field);
      }
      return new ModelReference(name, ModelUri.download(normal), "", field)
          .withPlacement(
              Placement.podReview(
                  who
                      + " fetches "
                      + normal
                      + " ("
                      + text.substring(0, text.indexOf("://"))
                      + ") into the Pod, whose review places ModelGate's verifier after it"));
    }
    if (text.startsWith(ModelScheme.PVC.prefix())) {
      ModelUri uri = ModelUri.parse(text);
      return new ModelReference(name, uri, "", field)
          .withPlacement(
              Placement.podReview(
                  who
                      + " mounts claim "
                      + uri.location()
                      + " on the Pod, whose review places ModelGate's verifier on it"));
    }
    ModelUri uri = ModelUri.download(text.contains("://") ? text : "file://" + text);
    return new ModelReference(name, uri, "", field)
        .withPlacement(
            Placement.podReview(
                who
                    + " downloads "
                    + uri.schemeName()
                    + ":// models in the Pod, whose review places ModelGate's verifier after the download"));
  }

  /**
   * A model loaded into a server that is already running (a TrainedModel by KServe's model agent, a
   * Seldon Model by Seldon's agent): no pod is made for it, so nothing ModelGate places verifies it
   * later. Only content-addressed bytes can be decided here: an OCI artifact by digest, verified at
   * admission. Anything else is refused, with {@code loader} named.
   */
  static ModelReference loaded(String name, String text, String field, String loader) {
    if (text.isBlank()) {
      throw new InvalidInputException(Reason.MODEL_REFERENCE_INVALID, "storage URI is empty");
    }
    if (text.startsWith(ModelScheme.OCI.prefix())) {
      ModelUri uri = ModelUri.parse(text);
      ModelReference m = new ModelReference(name, uri, "", field);
      if (uri.location().contains("@")) {
        return m;
      }
      return m.withPlacement(
          Placement.refused(
              loader
                  + " loads "
                  + text
                  + " into a running server by tag, and a tag can move after admission: name the"
                  + " verified bytes by digest (oci://…@sha256:…)"));
    }
    ModelUri uri = ModelUri.download(text.contains("://") ? text : "file://" + text);
    return new ModelReference(name, uri, "", field)
        .withPlacement(
            Placement.refused(
                loader
                    + " downloads "
                    + uri.schemeName()
                    + ":// models into a running server, where nothing ModelGate places verifies"
                    + " them: only an OCI model by digest (oci://…@sha256:…) is verified at admission"));
  }
}
