package dev.modelgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.Reason;
import dev.modelgate.core.StrictJson;
import dev.modelgate.oms.Digest;
import dev.modelgate.oms.HashAlgorithm;
import dev.modelgate.oms.RelativePath;
import dev.modelgate.oms.Resource;
import dev.modelgate.oms.ResourceKey;
import dev.modelgate.oms.Serialization;
import dev.modelgate.oms.StatementWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * OMS statements signed from an OCI manifest, as the two producers build them:
 *
 * <ul>
 *   <li>rh-model-signing {@code parse_oci_manifest} (securesign/model-transparency {@code
 *       src/model_signing/_oci/manifest_parser.py}, 72c50021), for a manifest without {@code olot}
 *       annotations: {@code config.json} = the config digest unless a layer is titled so, then each
 *       layer as its {@code org.opencontainers.image.title}, else {@code layer_NNN.tar.gz}; model
 *       name the image reference ({@code signing.py} {@code sign_image});
 *   <li>the model_signing Go port {@code CreateManifestFromOCILayersWithIgnore}
 *       (securesign/model-transparency-go {@code pkg/oci/manifest.go}, 309f4baa): the same names,
 *       {@code config.json} always (includeConfig is true in {@code canonicalizeOCI}), model name
 *       the manifest file's base name.
 * </ul>
 *
 * Both use the files serialization with sha256, no symlinks and no ignore paths.
 */
public final class ManifestStatements {
  private ManifestStatements() {}

  public static byte[] rhModelSigning(byte[] manifest, String imageReference) {
    return statement(manifest, imageReference, false);
  }

  public static byte[] goPort(byte[] manifest, String fileBaseName) {
    return statement(manifest, fileBaseName, true);
  }

  private static byte[] statement(byte[] manifest, String name, boolean alwaysConfig) {
    JsonNode m =
        StrictJson.forDocument(Reason.REGISTRY_CONTENT_INVALID, "manifest").parse(manifest);
    List<Resource> resources = new ArrayList<>();
    Set<String> titles = new HashSet<>();
    m.path("layers").forEach(l -> titles.add(l.path("annotations").path(TITLE).asText("")));
    if (alwaysConfig || !titles.contains("config.json")) {
      resources.add(resource("config.json", m.path("config").path("digest").asText()));
    }
    for (int i = 0; i < m.path("layers").size(); i++) {
      JsonNode l = m.path("layers").get(i);
      String title = l.path("annotations").path(TITLE).asText("");
      resources.add(
          resource(
              title.isEmpty() ? String.format(Locale.ROOT, "layer_%03d.tar.gz", i) : title,
              l.path("digest").asText()));
    }
    resources.sort(Comparator.comparing(Resource::key));
    return StatementWriter.write(name, Serialization.files(HashAlgorithm.SHA256, false), resources);
  }

  private static final String TITLE = "org.opencontainers.image.title";

  private static Resource resource(String name, String ociDigest) {
    return new Resource(
        ResourceKey.file(RelativePath.parse(name)),
        "sha256",
        Digest.fromHex(HashAlgorithm.SHA256, ociDigest.substring("sha256:".length())));
  }
}
