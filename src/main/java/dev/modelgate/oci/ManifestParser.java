package dev.modelgate.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.core.StrictJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Parses manifests and indexes served by a registry (untrusted JSON) into typed values. */
public final class ManifestParser {
  /** Most layers or index entries accepted: a model split into more files than this is refused. */
  public static final int MAX_ENTRIES = 10_000;

  private ManifestParser() {}

  /** By the served media type, else by shape; parsed with the same strict rules as the rest. */
  public static boolean isIndex(OciDigest digest, String mediaType, byte[] bytes) {
    if (mediaType.equals(MediaTypes.OCI_INDEX)
        || mediaType.equals(MediaTypes.DOCKER_MANIFEST_LIST)) {
      return true;
    }
    JsonNode json =
        StrictJson.forDocument(Reason.REGISTRY_CONTENT_INVALID, "manifest " + digest).parse(bytes);
    return json.has("manifests") && !json.has("layers");
  }

  public static OciManifest manifest(OciDigest digest, String mediaType, byte[] bytes) {
    StrictJson json = StrictJson.forDocument(Reason.REGISTRY_CONTENT_INVALID, "manifest " + digest);
    JsonNode root = json.parse(bytes);
    String mt = root.path("mediaType").asText(mediaType);
    if (!mt.equals(MediaTypes.OCI_MANIFEST) && !mt.equals(MediaTypes.DOCKER_MANIFEST)) {
      throw json.fail("has media type '" + mt + "', expected an OCI or Docker image manifest");
    }
    Descriptor config = descriptor(json, json.object(root, "config", "config"), "config");
    List<JsonNode> layerNodes = json.array(root, "layers", "layers", true);
    if (layerNodes.size() > MAX_ENTRIES) {
      throw json.fail(
          Reason.LIMIT_EXCEEDED,
          "lists " + layerNodes.size() + " layers, more than " + MAX_ENTRIES);
    }
    List<Descriptor> layers = new ArrayList<>();
    for (int i = 0; i < layerNodes.size(); i++) {
      layers.add(descriptor(json, layerNodes.get(i), "layers[" + i + "]"));
    }
    Optional<Descriptor> subject =
        root.hasNonNull("subject")
            ? Optional.of(descriptor(json, root.get("subject"), "subject"))
            : Optional.empty();
    return new OciManifest(
        digest,
        mt,
        root.path("artifactType").asText(""),
        config,
        layers,
        subject,
        strings(root.path("annotations")));
  }

  public static List<Descriptor> indexEntries(byte[] bytes) {
    StrictJson json = StrictJson.forDocument(Reason.REGISTRY_CONTENT_INVALID, "index");
    JsonNode root = json.parse(bytes);
    List<JsonNode> nodes = json.array(root, "manifests", "manifests", true);
    if (nodes.size() > MAX_ENTRIES) {
      throw json.fail(
          Reason.LIMIT_EXCEEDED, "lists " + nodes.size() + " manifests, more than " + MAX_ENTRIES);
    }
    List<Descriptor> out = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      out.add(descriptor(json, nodes.get(i), "manifests[" + i + "]"));
    }
    return out;
  }

  /**
   * The platform of each index entry, in the order of {@link #indexEntries} (empty where an entry
   * names none: containerd then reads the image config to decide).
   */
  public static List<Optional<Platform>> indexPlatforms(byte[] bytes) {
    StrictJson json = StrictJson.forDocument(Reason.REGISTRY_CONTENT_INVALID, "index");
    List<JsonNode> nodes = json.array(json.parse(bytes), "manifests", "manifests", true);
    List<Optional<Platform>> out = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      JsonNode p = nodes.get(i).get("platform");
      if (p == null || p.isNull()) {
        out.add(Optional.empty());
        continue;
      }
      if (!p.isObject()) {
        throw json.fail("has manifests[" + i + "].platform that is not an object");
      }
      for (String f : List.of("os", "architecture", "variant")) {
        if (p.has(f) && !p.get(f).isTextual()) {
          throw json.fail("has manifests[" + i + "].platform." + f + " that is not a string");
        }
      }
      out.add(
          Optional.of(
              new Platform(
                  p.path("os").asText(""),
                  p.path("architecture").asText(""),
                  p.path("variant").asText(""))));
    }
    return out;
  }

  private static Descriptor descriptor(StrictJson json, JsonNode n, String where) {
    if (!n.isObject()) {
      throw json.fail("has " + where + " that is not an object");
    }
    String mt = json.text(n, "mediaType", where + ".mediaType");
    OciDigest d;
    try {
      d = OciDigest.parse(json.text(n, "digest", where + ".digest"));
    } catch (InvalidInputException e) {
      throw json.fail("has " + where + ".digest: " + e.getMessage());
    }
    JsonNode size = n.get("size");
    if (size == null || !size.canConvertToLong() || size.asLong() < 0) {
      throw json.fail("has " + where + " without a valid size");
    }
    return new Descriptor(
        mt, d, size.asLong(), n.path("artifactType").asText(""), strings(n.path("annotations")));
  }

  private static Map<String, String> strings(JsonNode n) {
    Map<String, String> out = new LinkedHashMap<>();
    n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }
}
