package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Failure;
import dev.modelgate.testing.ImageLayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layer rules of the OCI image spec (layer.md, opencontainers/image-spec commit
 * 03306ac1c8eeddda714bd4f98aab05ad62ff829c) on real tar layers, and the cases where runtimes could
 * read a layer differently, which are refused rather than guessed.
 */
class ImageFilesystemTest {
  @TempDir Path tmp;

  private ImageFilesystem apply(ImageLayer... layers) throws Exception {
    ImageFilesystem fs = new ImageFilesystem("/models");
    int i = 0;
    for (ImageLayer l : layers) {
      Path tgz = Files.write(tmp.resolve("layer" + i++ + ".tgz"), l.tarGzip());
      fs.apply(TarFiles.readChangeset(tgz, true, 1 << 20, Instant.now().plusSeconds(10)));
    }
    return fs;
  }

  private static String problems(ImageFilesystem fs) {
    return fs.problems().stream().map(Failure::toString).collect(Collectors.joining("\n"));
  }

  @Test
  void opaqueWhiteoutAppliesBeforeTheLayersOwnEntriesWhateverTheirOrder() throws Exception {
    ImageFilesystem fs =
        apply(
            ImageLayer.create().dir("models/a/b/c").file("models/a/b/c/bar", "old"),
            ImageLayer.create()
                .dir("models/a")
                .dir("models/a/b")
                .dir("models/a/b/c")
                .file("models/a/b/c/foo", "new")
                .opaque("models/a"));

    assertThat(fs.modelFiles()).containsOnlyKeys("a/b/c/foo");
    assertThat(fs.problems()).isEmpty();
  }

  @Test
  void opaqueWhiteoutAtTheRootRemovesTheModelDirectoryOfLowerLayers() throws Exception {
    ImageFilesystem fs =
        apply(
            ImageLayer.create().file("models/config.json", "{}"),
            ImageLayer.create().file(".wh..wh..opq", "").file("etc/os-release", "x"));

    assertThat(fs.modelFiles()).isEmpty();
    assertThat(problems(fs)).contains("NOT_FOUND: the image has no /models directory");
  }

  @Test
  void fileReplacingTheModelDirectoryRemovesEverythingBelowIt() throws Exception {
    ImageFilesystem fs =
        apply(
            ImageLayer.create().file("models/config.json", "{}"),
            ImageLayer.create().file("models", "not a directory"));

    assertThat(fs.modelFiles()).isEmpty();
    assertThat(problems(fs))
        .contains(
            "LAYER_NOT_VERIFIABLE: /models in the image is a regular file (layer 1), not a directory");
  }

  @Test
  void whiteoutOfADirectoryRemovesItsWholeSubtreeAndANewDirectoryStartsEmpty() throws Exception {
    ImageFilesystem fs =
        apply(
            ImageLayer.create()
                .file("models/tokenizer/vocab.txt", "a")
                .file("models/config.json", "{}"),
            ImageLayer.create().whiteout("models", "tokenizer"),
            ImageLayer.create().dir("models/tokenizer").file("models/tokenizer/merges.txt", "m"));

    assertThat(fs.modelFiles()).containsOnlyKeys("config.json", "tokenizer/merges.txt");
  }

  @Test
  void whiteoutAppliesToLowerLayersOnlyAndALayerThatAlsoAddsThePathIsRefused() throws Exception {
    ImageFilesystem fs =
        apply(
            ImageLayer.create().file("models/config.json", "old"),
            ImageLayer.create()
                .file("models/config.json", "new")
                .whiteout("models", "config.json"));

    assertThat(problems(fs))
        .contains(
            "LAYER_UNSUPPORTED: layer 1, entry 2 ('models/.wh.config.json'): removes '/models/config.json', which the same layer adds ('/models/config.json')");
  }

  @Test
  void pathWrittenTwiceInOneLayerIsRefused() throws Exception {
    ImageFilesystem fs =
        apply(ImageLayer.create().file("models/config.json", "a").file("models/config.json", "b"));

    assertThat(problems(fs))
        .contains(
            "LAYER_UNSUPPORTED: layer 0, entry 2 ('models/config.json'): writes '/models/config.json' a second time in the layer");
  }

  @Test
  void aufsWhiteoutMetadataIsRefusedAnywhere() throws Exception {
    // containerd 1.6 reads '.wh..wh.plnk' as a whiteout of '.wh.plnk' (applyNaive, commit
    // 2806fc1057397dbaeefbea0e4e17bddfbd388f38): no honest builder writes one, so none is read.
    ImageFilesystem fs =
        apply(
            ImageLayer.create()
                .file("models/config.json", "{}")
                .file("models/.wh..wh.plnk", "")
                .file("var/.wh..wh.aufs", ""));

    assertThat(problems(fs))
        .contains("'models/.wh..wh.plnk'): is a whiteout of '.wh.plnk', which is not a plain name")
        .contains("'var/.wh..wh.aufs'): is a whiteout of '.wh.aufs', which is not a plain name");
    assertThat(fs.modelFiles()).containsOnlyKeys("config.json");
  }

  @Test
  void namesWithDotSlashOrLeadingSlashLandWhereARuntimePutsThem() throws Exception {
    ImageFilesystem fs =
        apply(ImageLayer.create().dir("./").file("./models/a", "1").file("/models/b", "2"));

    assertThat(fs.modelFiles()).containsOnlyKeys("a", "b");
    assertThat(fs.problems()).isEmpty();
  }

  @Test
  void linksOutsideTheModelDirectoryAreNotTheModels() throws Exception {
    ImageFilesystem fs =
        apply(
            ImageLayer.create()
                .file("bin/[", "x")
                .hardlink("bin/sh", "bin/[")
                .symlink("lib64", "lib")
                .characterDevice("dev/null")
                .file("models/config.json", "{}")
                .hardlink("usr/bin/config", "models/config.json"));

    assertThat(fs.problems()).isEmpty();
    assertThat(fs.modelFiles()).containsOnlyKeys("config.json");
  }

  @Test
  void badModelDirectoryIsRefusedAtConstruction() {
    for (String bad : List.of("models", "/", "/models/", "/a/../b", "/a//b")) {
      Assertions.assertThatThrownBy(() -> new ImageFilesystem(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void entryBelowAHardLinkOrAFileOfALowerLayerIsRefused() throws Exception {
    ImageFilesystem fs =
        apply(
            ImageLayer.create().symlink("lnk", "/models").hardlink("h", "lnk").file("models", "x"),
            ImageLayer.create().file("h/model.safetensors", "evil").file("models/a", "1"));

    assertThat(problems(fs))
        .contains(
            "LAYER_UNSUPPORTED: layer 1, entry 1 ('h/model.safetensors'): is below '/h', a hard link to 'lnk' (layer 0)")
        .contains("entry 2 ('models/a'): is below '/models', a regular file (layer 0)");
  }

  @Test
  void whiteoutsTheNodeWouldListAsNamesAreRefused() throws Exception {
    ImageFilesystem fs =
        apply(
            ImageLayer.create().dir("models").file("models/a", "1").dir("models/d"),
            ImageLayer.create()
                .whiteout("models", "never-there")
                .dir("models/.wh.a")
                .opaque("models/d")
                .whiteout("models/d", "x"));

    assertThat(problems(fs))
        .contains("removes '/models/never-there', which no lower layer has")
        .contains("('models/.wh.a/'): is a whiteout that is not an empty regular file (directory)")
        .contains("is a whiteout inside '/models/d', which the same layer makes opaque");
  }

  @Test
  void aLaterSignatureReleasesTheBytesKeptFromALowerLayerBeforeItIsRead() throws Exception {
    ImageFilesystem fs = new ImageFilesystem("/models");
    Path first =
        Files.write(
            tmp.resolve("l0.tar"), ImageLayer.create().file("models/model.sig", "old").tar());
    Path second =
        Files.write(
            tmp.resolve("l1.tar"), ImageLayer.create().file("./models/model.sig", "new").tar());
    fs.apply(
        TarFiles.readChangeset(
            first, false, 1 << 20, Instant.now().plusSeconds(10), n -> fs.keep(n, "model.sig")));
    assertThat(fs.modelFiles().get("model.sig").content()).asString().isEqualTo("old");

    assertThat(fs.keep("./models/model.sig", "model.sig")).isTrue();
    assertThat(fs.modelFiles().get("model.sig").content()).isEmpty();
    fs.apply(
        TarFiles.readChangeset(
            second, false, 1 << 20, Instant.now().plusSeconds(10), n -> fs.keep(n, "model.sig")));
    assertThat(fs.modelFiles().get("model.sig").content()).asString().isEqualTo("new");
  }
}
