package dev.modelgate.testing;

import dev.modelgate.core.StrictJson;
import dev.modelgate.oci.MediaTypes;
import dev.modelgate.oci.OciDigest;
import dev.modelgate.oci.OciReference;
import dev.modelgate.oci.RegistryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signature manifests as rh-model-signing attaches them (securesign/model-transparency {@code
 * src/model_signing/_oci/registry.py} {@code push_signature} / {@code push_signature_tag} at
 * dc11f2f6, {@code _oci/attachment.py} at 72c50021): in referrers mode a manifest of artifact type
 * {@code application/vnd.model-signing.signature.v0.1}, config {@code {}} of type {@code
 * …signature.v0.1.config+json}, the bundle as its one layer and the model as {@code subject},
 * pushed by its digest; in tag mode a manifest with an OCI image config {@code {}}, the bundle as
 * its one layer, the {@code dev.sigstore.model-signing.artifact-type} annotation and no subject,
 * pushed to the tag {@code sha256-<hex>.sig}. Keys in {@code to_dict}'s order, written compactly as
 * {@code json.dumps(separators=(",", ":"))} writes them.
 */
public final class ModelSigningAttachments {
  private ModelSigningAttachments() {}

  /** The referrers-mode manifest bytes. */
  public static byte[] referrer(
      OciDigest subject, long subjectSize, OciDigest configDigest, OciDigest bundle, long size) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.OCI_MANIFEST);
    m.put("config", descriptor(MediaTypes.MODEL_SIGNING_CONFIG, configDigest, 2));
    m.put("layers", List.of(descriptor(MediaTypes.SIGSTORE_BUNDLE, bundle, size)));
    m.put("artifactType", MediaTypes.MODEL_SIGNING_SIGNATURE);
    m.put("subject", descriptor(MediaTypes.OCI_MANIFEST, subject, subjectSize));
    return json(m);
  }

  /** The tag-mode manifest bytes. */
  public static byte[] tagged(OciDigest configDigest, OciDigest bundle, long size) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.OCI_MANIFEST);
    m.put("config", descriptor(MediaTypes.OCI_IMAGE_CONFIG, configDigest, 2));
    m.put("layers", List.of(descriptor(MediaTypes.SIGSTORE_BUNDLE, bundle, size)));
    m.put(
        "annotations",
        Map.of(MediaTypes.MODEL_SIGNING_ARTIFACT_TYPE, MediaTypes.MODEL_SIGNING_SIGNATURE));
    return json(m);
  }

  /** Pushes the bundle and the referrers-mode manifest (by digest); returns its digest. */
  public static OciDigest attachReferrer(
      RegistryClient client, OciReference repo, OciDigest subject, long size, byte[] bundle) {
    OciDigest config = client.pushBlob(repo, "{}".getBytes(StandardCharsets.UTF_8), deadline());
    OciDigest layer = client.pushBlob(repo, bundle, deadline());
    byte[] manifest = referrer(subject, size, config, layer, bundle.length);
    OciDigest d = OciDigest.sha256(manifest);
    return client.pushManifest(repo, d.toString(), manifest, MediaTypes.OCI_MANIFEST, deadline());
  }

  /**
   * Pushes the bundle and the tag-mode manifest to {@code sha256-<hex>.sig}; returns its digest.
   */
  public static OciDigest attachTag(
      RegistryClient client, OciReference repo, OciDigest subject, byte[] bundle) {
    OciDigest config = client.pushBlob(repo, "{}".getBytes(StandardCharsets.UTF_8), deadline());
    OciDigest layer = client.pushBlob(repo, bundle, deadline());
    return client.pushManifest(
        repo,
        subject.referrersTag() + ".sig",
        tagged(config, layer, bundle.length),
        MediaTypes.OCI_MANIFEST,
        deadline());
  }

  static Map<String, Object> descriptor(String mediaType, OciDigest digest, long size) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("mediaType", mediaType);
    d.put("digest", digest.toString());
    d.put("size", size);
    return d;
  }

  private static byte[] json(Object o) {
    try {
      return StrictJson.mapper().writeValueAsBytes(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Instant deadline() {
    return Instant.now().plusSeconds(30);
  }
}
