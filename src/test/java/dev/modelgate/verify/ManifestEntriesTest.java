package dev.modelgate.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oci.Descriptor;
import dev.modelgate.oci.MediaTypes;
import dev.modelgate.oci.OciDigest;
import dev.modelgate.oci.OciManifest;
import dev.modelgate.oms.RelativePath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The names a statement signed from an OCI manifest gives its entries, as rh-model-signing's {@code
 * parse_oci_manifest} (securesign/model-transparency {@code
 * src/model_signing/_oci/manifest_parser.py}, 72c50021) and the Go port's {@code
 * CreateManifestFromOCILayersWithIgnore} (securesign/model-transparency-go {@code
 * pkg/oci/manifest.go}, 309f4baa) give them, and the manifests those names cannot describe.
 */
class ManifestEntriesTest {
  static final OciDigest CONFIG = OciDigest.sha256("{}".getBytes());

  static Descriptor layer(String content, Map<String, String> annotations) {
    return new Descriptor(
        "application/octet-stream",
        OciDigest.sha256(content.getBytes()),
        content.length(),
        "",
        annotations);
  }

  static Descriptor titled(String content, String title) {
    return layer(content, Map.of(ManifestEntries.TITLE, title));
  }

  static OciManifest manifest(Descriptor... layers) {
    return new OciManifest(
        OciDigest.sha256("manifest".getBytes()),
        MediaTypes.OCI_MANIFEST,
        "",
        new Descriptor(MediaTypes.OCI_EMPTY, CONFIG, 2, "", Map.of()),
        List.of(layers),
        Optional.empty(),
        Map.of());
  }

  static List<String> names(ManifestEntries e) {
    return new ArrayList<>(
        e.entries().keySet().stream().map(RelativePath::value).sorted().toList());
  }

  static List<Reason> reasons(ManifestEntries e) {
    return e.problems().stream().map(Failure::reason).toList();
  }

  @Test
  void layersAreNamedByTitleElseByPositionAndTheConfigIsConfigJson() {
    ManifestEntries e =
        ManifestEntries.of(
            manifest(
                titled("w", "model.safetensors"),
                layer("x", Map.of("org.cncf.model.filepath", "tokenizer.json")),
                titled("y", "./sub/vocab.txt")));

    assertThat(names(e))
        .containsExactly("config.json", "layer_001.tar.gz", "model.safetensors", "sub/vocab.txt");
    assertThat(e.entries().get(ManifestEntries.CONFIG).hex()).isEqualTo(CONFIG.hex());
    assertThat(e.problems()).isEmpty();
  }

  @Test
  void aFilePathAnnotationIsNotAName() {
    ManifestEntries e =
        ManifestEntries.of(manifest(layer("w", Map.of("org.cncf.model.filepath", "w.bin"))));

    assertThat(names(e)).containsExactly("config.json", "layer_000.tar.gz");
  }

  /** rh-model-signing then leaves the config unsigned; a manifest statement must sign it. */
  @Test
  void aLayerTitledConfigJsonLeavesTheConfigUnnamedAndIsAProblem() {
    ManifestEntries e = ManifestEntries.of(manifest(titled("c", "config.json")));

    assertThat(reasons(e)).containsExactly(Reason.DUPLICATE_RESOURCE);
  }

  @Test
  void twoLayersWithOneTitleAreAProblem() {
    ManifestEntries e = ManifestEntries.of(manifest(titled("a", "w.bin"), titled("b", "w.bin")));

    assertThat(reasons(e)).containsExactly(Reason.DUPLICATE_RESOURCE);
    assertThat(e.problems().get(0).message()).contains("layer 1");
  }

  @Test
  void anUnsafeTitleIsAProblem() {
    ManifestEntries e = ManifestEntries.of(manifest(titled("a", "../escape")));

    assertThat(reasons(e)).containsExactly(Reason.PATH_UNSAFE);
    assertThat(names(e)).containsExactly("config.json");
  }

  @Test
  void aSha512LayerCannotBeComparedWithASha256Statement() {
    Descriptor sha512 =
        new Descriptor(
            "application/octet-stream",
            new OciDigest("sha512", "ab".repeat(64)),
            1,
            "",
            Map.of(ManifestEntries.TITLE, "w.bin"));

    assertThat(reasons(ManifestEntries.of(manifest(sha512))))
        .containsExactly(Reason.LAYER_NOT_VERIFIABLE);
  }
}
