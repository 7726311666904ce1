package dev.modelgate.oci;

/** Media types ModelGate reads and writes (OCI image spec, Docker, ModelPack, Sigstore). */
public final class MediaTypes {
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
  public static final String MODELPACK_MANIFEST = "application/vnd.cncf.model.manifest.v1+json";
  public static final String MODELPACK_CONFIG = "application/vnd.cncf.model.config.v1+json";
  public static final String SIGSTORE_BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json";
  /** The annotation naming the in-toto predicate type of a bundle referrer (cosign BUNDLE_SPEC). */
  public static final String BUNDLE_PREDICATE_TYPE = "dev.sigstore.bundle.predicateType";
  public static final String BUNDLE_CONTENT = "dev.sigstore.bundle.content";

  private MediaTypes() {}
}
