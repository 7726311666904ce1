package dev.modelgate.oci;

/** Media types ModelGate reads and writes (OCI image spec, Docker, ModelPack, Sigstore). */
public final class MediaTypes {
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
  public static final String MODELPACK_MANIFEST = "application/vnd.cncf.model.manifest.v1+json";
  public static final String MODELPACK_CONFIG = "application/vnd.cncf.model.config.v1+json";
  public static final String SIGSTORE_BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json";

  /**
   * rh-model-signing's signature artifacts (securesign/model-transparency {@code
   * src/model_signing/_oci/registry.py}, dc11f2f6): the referrer's artifact type, its config's
   * media type, and the annotation that marks its tag-mode manifest ({@code sha256-<hex>.sig}),
   * which has no subject.
   */
  public static final String MODEL_SIGNING_SIGNATURE =
      "application/vnd.model-signing.signature.v0.1";

  public static final String MODEL_SIGNING_CONFIG =
      "application/vnd.model-signing.signature.v0.1.config+json";
  public static final String MODEL_SIGNING_ARTIFACT_TYPE =
      "dev.sigstore.model-signing.artifact-type";

  /** The annotation naming the in-toto predicate type of a bundle referrer (cosign BUNDLE_SPEC). */
  public static final String BUNDLE_PREDICATE_TYPE = "dev.sigstore.bundle.predicateType";

  public static final String BUNDLE_CONTENT = "dev.sigstore.bundle.content";

  /** The configs of runnable container images (a KServe modelcar is one). */
  public static final String OCI_IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json";

  public static final String DOCKER_IMAGE_CONFIG = "application/vnd.docker.container.image.v1+json";

  /**
   * Container image layers: OCI (image-spec media-types.md, layer.md) and Docker's schema 2 names.
   */
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";

  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
  public static final String OCI_NONDISTRIBUTABLE_LAYER =
      "application/vnd.oci.image.layer.nondistributable.v1.tar";
  public static final String OCI_NONDISTRIBUTABLE_LAYER_GZIP =
      "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
  public static final String DOCKER_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.diff.tar.gzip";
  public static final String DOCKER_FOREIGN_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

  private MediaTypes() {}
}
