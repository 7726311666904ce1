package dev.modelgate.testing;

import dev.modelgate.core.StrictJson;
import dev.modelgate.oci.MediaTypes;
import dev.modelgate.oci.OciDigest;
import dev.modelgate.oci.OciReference;
import dev.modelgate.oci.RegistryClient;
import dev.modelgate.oci.RegistryCredentials;
import dev.modelgate.source.ModelPackPublisher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A runnable container image pushed to a registry the way {@code docker buildx build --push} or
 * {@code podman push} stores one: the layer blobs, an image config whose {@code rootfs.diff_ids}
 * are the sha256 of the uncompressed layers, and an image manifest (OCI, or Docker schema 2). This
 * is the shape of a KServe modelcar ({@code FROM busybox; RUN mkdir /models; COPY data/ /models/},
 * kserve/website docs/model-serving/storage/providers/oci.md).
 */
public final class ContainerImage {
  public record Pushed(OciReference ref, OciDigest digest, long size) {
    /**
     * Attaches an OMS bundle as {@code modelgate push} does: a Sigstore-bundle referrer, listed in
     * the referrers tag.
     */
    public void attachSignature(Path bundle) {
      try {
        new ModelPackPublisher(client())
            .attachBundle(ref, digest, size, Files.readAllBytes(bundle), deadline());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private ContainerImage() {}

  /** OCI media types: image manifest, image config, tar+gzip layers. */
  public static Pushed push(String reference, ImageLayer... layers) {
    return push(
        reference,
        MediaTypes.OCI_MANIFEST,
        MediaTypes.OCI_IMAGE_CONFIG,
        MediaTypes.OCI_LAYER_GZIP,
        layers);
  }

  /** Docker schema 2 media types, as {@code docker push} of a classic build writes them. */
  public static Pushed pushDocker(String reference, ImageLayer... layers) {
    return push(
        reference,
        MediaTypes.DOCKER_MANIFEST,
        MediaTypes.DOCKER_IMAGE_CONFIG,
        MediaTypes.DOCKER_LAYER_GZIP,
        layers);
  }

  public static Pushed push(
      String reference,
      String manifestType,
      String configType,
      String layerType,
      ImageLayer... layers) {
    List<Layer> blobs = new ArrayList<>();
    for (ImageLayer l : layers) {
      blobs.add(
          new Layer(
              layerType.endsWith("gzip") ? l.tarGzip() : l.tar(),
              layerType,
              OciDigest.sha256(l.tar()).toString()));
    }
    return push(reference, manifestType, configType, blobs);
  }

  /**
   * A layer blob as pushed: its bytes, media type, and diff id (sha256 of the uncompressed tar).
   */
  public record Layer(byte[] blob, String mediaType, String diffId) {
    public static Layer tar(byte[] tar) {
      return new Layer(tar, MediaTypes.OCI_LAYER, OciDigest.sha256(tar).toString());
    }

    public static Layer gzip(byte[] tar) {
      java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
      try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(gz)) {
        g.write(tar);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Layer(
          gz.toByteArray(), MediaTypes.OCI_LAYER_GZIP, OciDigest.sha256(tar).toString());
    }

    /** zstd-compressed with Debian's {@code zstd} command. */
    public static Layer zstd(byte[] tar) {
      try {
        Path in = Files.createTempFile("modelgate-layer", ".tar");
        Path out = Path.of(in + ".zst");
        try {
          Files.write(in, tar);
          Process p =
              new ProcessBuilder("zstd", "-q", "-f", in.toString(), "-o", out.toString())
                  .inheritIO()
                  .start();
          if (p.waitFor() != 0) {
            throw new IllegalStateException("zstd failed");
          }
          return new Layer(
              Files.readAllBytes(out),
              MediaTypes.OCI_LAYER + "+zstd",
              OciDigest.sha256(tar).toString());
        } finally {
          Files.deleteIfExists(in);
          Files.deleteIfExists(out);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** An OCI image of these layer blobs. */
  public static Pushed push(String reference, List<Layer> layers) {
    return push(reference, MediaTypes.OCI_MANIFEST, MediaTypes.OCI_IMAGE_CONFIG, layers);
  }

  public static Pushed push(
      String reference, String manifestType, String configType, List<Layer> layers) {
    RegistryClient client = client();
    OciReference ref = OciReference.parse(reference);
    List<Object> descriptors = new ArrayList<>();
    List<String> diffIds = new ArrayList<>();
    for (Layer l : layers) {
      diffIds.add(l.diffId());
      OciDigest d = client.pushBlob(ref, l.blob(), deadline());
      descriptors.add(
          Map.of("mediaType", l.mediaType(), "digest", d.toString(), "size", l.blob().length));
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("architecture", "amd64");
    config.put("os", "linux");
    config.put(
        "config",
        Map.of(
            "Env",
            List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
            "Cmd",
            List.of("sh")));
    config.put("rootfs", Map.of("type", "layers", "diff_ids", diffIds));
    byte[] configBytes = json(config);
    OciDigest configDigest = client.pushBlob(ref, configBytes, deadline());
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", manifestType);
    manifest.put(
        "config",
        Map.of(
            "mediaType",
            configType,
            "digest",
            configDigest.toString(),
            "size",
            configBytes.length));
    manifest.put("layers", descriptors);
    byte[] manifestBytes = json(manifest);
    OciDigest digest =
        client.pushManifest(
            ref,
            ref.tag() == null || ref.tag().isEmpty() ? "latest" : ref.tag(),
            manifestBytes,
            manifestType,
            deadline());
    return new Pushed(ref, digest, manifestBytes.length);
  }

  /**
   * Puts {@code image} under {@code tag} the way {@code docker buildx build --push} does since
   * BuildKit 0.11: an index of the image (its platform) and a provenance attestation manifest
   * (platform unknown/unknown, {@code vnd.docker.reference.type: attestation-manifest}).
   */
  public static OciDigest pushBuildxIndex(Pushed image, String tag) {
    RegistryClient client = client();
    byte[] provenance =
        "{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"predicateType\":\"https://slsa.dev/provenance/v0.2\",\"subject\":[],\"predicate\":{}}"
            .getBytes(StandardCharsets.UTF_8);
    OciDigest provenanceDigest = client.pushBlob(image.ref(), provenance, deadline());
    byte[] emptyConfig = "{}".getBytes(StandardCharsets.UTF_8);
    OciDigest emptyDigest = client.pushBlob(image.ref(), emptyConfig, deadline());
    Map<String, Object> attestation = new LinkedHashMap<>();
    attestation.put("schemaVersion", 2);
    attestation.put("mediaType", MediaTypes.OCI_MANIFEST);
    attestation.put(
        "config",
        Map.of(
            "mediaType",
            "application/vnd.oci.image.config.v1+json",
            "digest",
            emptyDigest.toString(),
            "size",
            emptyConfig.length));
    attestation.put(
        "layers",
        List.of(
            Map.of(
                "mediaType",
                "application/vnd.in-toto+json",
                "digest",
                provenanceDigest.toString(),
                "size",
                provenance.length,
                "annotations",
                Map.of("in-toto.io/predicate-type", "https://slsa.dev/provenance/v0.2"))));
    byte[] attestationBytes = json(attestation);
    OciDigest attestationDigest =
        client.pushManifest(
            image.ref(),
            OciDigest.sha256(attestationBytes).toString(),
            attestationBytes,
            MediaTypes.OCI_MANIFEST,
            deadline());
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.put(
        "manifests",
        List.of(
            Map.of(
                "mediaType",
                MediaTypes.OCI_MANIFEST,
                "digest",
                image.digest().toString(),
                "size",
                image.size(),
                "platform",
                Map.of("architecture", "amd64", "os", "linux")),
            Map.of(
                "mediaType",
                MediaTypes.OCI_MANIFEST,
                "digest",
                attestationDigest.toString(),
                "size",
                attestationBytes.length,
                "platform",
                Map.of("architecture", "unknown", "os", "unknown"),
                "annotations",
                Map.of(
                    "vnd.docker.reference.digest",
                    image.digest().toString(),
                    "vnd.docker.reference.type",
                    "attestation-manifest"))));
    byte[] indexBytes = json(index);
    return client.pushManifest(image.ref(), tag, indexBytes, MediaTypes.OCI_INDEX, deadline());
  }

  /**
   * Puts an index of {@code entries} (each an image with its platform and annotations) under {@code
   * tag}, in that order.
   */
  public static OciDigest pushIndex(
      OciReference repo, String tag, List<Map<String, Object>> entries) {
    byte[] indexBytes =
        json(Map.of("schemaVersion", 2, "mediaType", MediaTypes.OCI_INDEX, "manifests", entries));
    return client().pushManifest(repo, tag, indexBytes, MediaTypes.OCI_INDEX, deadline());
  }

  /** An index entry for {@code image}. */
  public static Map<String, Object> indexEntry(
      Pushed image, Map<String, String> platform, Map<String, String> annotations) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("mediaType", MediaTypes.OCI_MANIFEST);
    e.put("digest", image.digest().toString());
    e.put("size", image.size());
    e.put("platform", platform);
    if (!annotations.isEmpty()) {
      e.put("annotations", annotations);
    }
    return e;
  }

  /**
   * A busybox-like base layer: the directories of busybox's root, applets as hard links to one
   * binary, a symbolic link, and files that are no model's.
   */
  public static ImageLayer busyboxBase() {
    ImageLayer l = ImageLayer.create();
    for (String d :
        List.of(
            "bin",
            "dev",
            "etc",
            "home",
            "lib",
            "root",
            "tmp",
            "usr",
            "usr/sbin",
            "var",
            "var/spool")) {
      l.dir(d);
    }
    return l.file("bin/[", "busybox binary")
        .hardlink("bin/sh", "bin/[")
        .hardlink("bin/ls", "bin/[")
        .symlink("lib64", "lib")
        .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
        .file("etc/group", "root:x:0:\n");
  }

  static RegistryClient client() {
    return new RegistryClient(RegistryCredentials.NONE, Set.of());
  }

  static Instant deadline() {
    return Instant.now().plusSeconds(30);
  }

  private static byte[] json(Object o) {
    try {
      return StrictJson.mapper().writeValueAsBytes(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
