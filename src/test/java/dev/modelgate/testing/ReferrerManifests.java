package dev.modelgate.testing;

import dev.modelgate.core.StrictJson;
import dev.modelgate.oci.MediaTypes;
import dev.modelgate.oci.OciDigest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Referrer manifests as cosign and {@code modelgate push} write them for a Sigstore bundle (OCI
 * image-spec 1.1 artifact manifest: empty config, the bundle as its one layer, a {@code subject}),
 * for registries a test serves itself.
 */
public final class ReferrerManifests {
  private ReferrerManifests() {}

  /** The manifest bytes; {@code subject} null leaves the field out. */
  public static byte[] bundle(OciDigest subject, byte[] bundle) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("schemaVersion", 2);
    r.put("mediaType", MediaTypes.OCI_MANIFEST);
    r.put("artifactType", MediaTypes.SIGSTORE_BUNDLE);
    r.put(
        "config",
        Map.of(
            "mediaType",
            MediaTypes.OCI_EMPTY,
            "digest",
            OciDigest.sha256("{}".getBytes()).toString(),
            "size",
            2));
    r.put(
        "layers",
        List.of(
            Map.of(
                "mediaType",
                MediaTypes.SIGSTORE_BUNDLE,
                "digest",
                OciDigest.sha256(bundle).toString(),
                "size",
                bundle.length)));
    if (subject != null) {
      r.put(
          "subject",
          Map.of("mediaType", MediaTypes.OCI_MANIFEST, "digest", subject.toString(), "size", 1));
    }
    try {
      return StrictJson.mapper().writeValueAsBytes(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
