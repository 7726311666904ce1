package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Failure;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.testing.ContainerImage;
import dev.modelgate.testing.ContainerImage.Layer;
import dev.modelgate.testing.Containerd;
import dev.modelgate.testing.ImageLayer;
import dev.modelgate.testing.RawTar;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestRegistry;
import dev.modelgate.trust.KeyVerifier;
import dev.modelgate.trust.PemReader;
import dev.modelgate.verify.ModelVerifier;
import dev.modelgate.verify.OciModelVerifier;
import dev.modelgate.verify.VerificationPolicy;
import dev.modelgate.verify.VerificationResult;
import dev.modelgate.verify.VerifyOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ModelGate's reading of a modelcar against a real node's: each image is pushed to the real test
 * registry, verified by ModelGate, then pulled and mounted by a real containerd 1.6 (Debian's,
 * overlayfs snapshotter, {@link Containerd}), and the node's {@code /models} (names, types, bytes)
 * is compared with the signed model directory. The property every case must keep: ModelGate admits
 * only when the node shows exactly what was signed. The hostile images are the nine shapes of issue
 * 22 (each made the node's {@code /models} differ from what ModelGate verified before this reader)
 * plus an overlay xattr and the index trick; each case also checks the node really does show
 * something else, so the image is really hostile. Rules cited from Go's archive/tar (golang/go
 * go1.19.8, src/archive/tar/reader.go, strconv.go, format.go) and containerd v1.6.20 (commit
 * 2806fc1057397dbaeefbea0e4e17bddfbd388f38, archive/tar.go applyNaive, archive/tar_opts_linux.go
 * OverlayConvertWhiteout, images/image.go Manifest).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class NodeDifferentialTest {
  @TempDir static Path tmp;
  static TestRegistry registry;
  static Containerd node;
  static SignedModel signed;
  static Map<String, Containerd.Node> signedTree;
  static final List<String> outcomes = new ArrayList<>();
  static final byte[] EVIL = "EVIL: weights no one signed\n".getBytes(StandardCharsets.UTF_8);

  @BeforeAll
  static void start() throws Exception {
    registry = TestRegistry.startOrSkip(Files.createDirectories(tmp.resolve("registry")));
    node = Containerd.startOrSkip(tmp.resolve("ctd"));
    signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
    signedTree = Containerd.read(signed.model);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (registry != null) {
      registry.close();
    }
    System.out.println("NodeDifferentialTest outcomes:\n  " + String.join("\n  ", outcomes));
  }

  /** What ModelGate decided and what the node showed for one image. */
  record Outcome(
      VerificationResult verdict, Containerd.Result pull, Map<String, Containerd.Node> tree) {
    boolean nodeShowsTheSignedModel() {
      return pull.ok() && signedTree.equals(tree);
    }

    String reasons() {
      return verdict.failures().stream().map(Failure::toString).collect(Collectors.joining("\n"));
    }
  }

  /** {@code FROM busybox; RUN mkdir /models; COPY model/ /models/}, then the given layers. */
  private static List<Layer> modelcar(Layer... after) {
    List<Layer> layers =
        new ArrayList<>(
            List.of(
                Layer.gzip(ContainerImage.busyboxBase().tar()),
                Layer.gzip(ImageLayer.create().dir("models").tar()),
                Layer.gzip(ImageLayer.create().copy(signed.model, "models").tar())));
    layers.addAll(List.of(after));
    return layers;
  }

  private static Outcome run(String name, List<Layer> layers) throws Exception {
    String ref = registry.host + "/cases/" + name + ":v1";
    ContainerImage.push(ref, layers).attachSignature(signed.signature);
    return judge(name, ref);
  }

  private static Outcome judge(String name, String ref) throws Exception {
    VerificationResult verdict = verify(ref);
    Containerd.Result pull = node.pull(ref);
    Map<String, Containerd.Node> tree = pull.ok() ? node.tree(ref, "models") : Map.of();
    Outcome o = new Outcome(verdict, pull, tree);
    outcomes.add(
        String.format(
            "%-34s ModelGate: %-60s node: %s",
            name,
            verdict.verified()
                ? "verified"
                : verdict.failures().get(0).reason()
                    + " "
                    + abbreviate(verdict.failures().get(0).message()),
            !pull.ok()
                ? "pull failed: " + abbreviate(pull.output())
                : o.nodeShowsTheSignedModel()
                    ? "/models = signed tree"
                    : "/models differs: " + diff(tree)));
    // The property of every case: admitted only when the node shows exactly what was signed.
    if (verdict.verified()) {
      assertThat(o.nodeShowsTheSignedModel())
          .as("%s: ModelGate verified, node pull %s, node tree %s", name, pull, tree)
          .isTrue();
    }
    return o;
  }

  private static String abbreviate(String s) {
    String one = s.replace('\n', ' ');
    return one.length() > 110 ? one.substring(0, 110) + "…" : one;
  }

  private static String diff(Map<String, Containerd.Node> tree) {
    List<String> d = new ArrayList<>();
    for (String k : signedTree.keySet()) {
      if (!tree.containsKey(k)) {
        d.add("-" + k);
      } else if (!tree.get(k).equals(signedTree.get(k))) {
        d.add("~" + k);
      }
    }
    for (String k : tree.keySet()) {
      if (!signedTree.containsKey(k)) {
        d.add("+" + k);
      }
    }
    return String.join(" ", d);
  }

  private static VerificationResult verify(String ref) throws Exception {
    VerificationPolicy policy =
        VerificationPolicy.single(
            new KeyVerifier(PemReader.publicKey(signed.publicKey)),
            new VerifyOptions(List.of(), false, false, true, 64L << 20));
    return new OciModelVerifier(
            new RegistryClient(RegistryCredentials.NONE, Set.of()),
            new ModelVerifier(ModelHasher.allCores()))
        .verify(OciReference.parse(ref), policy, Instant.now().plusSeconds(60));
  }

  /** The hostile layer's tar: raw blocks, ended by two zero blocks. */
  private static Layer hostile(RawTar t) {
    return Layer.gzip(t.tar());
  }

  /** The evil entry: models/model.safetensors holding bytes no one signed. */
  private static byte[] evilEntry() {
    return RawTar.create()
        .entry(RawTar.header("models/model.safetensors", '0', EVIL.length), EVIL)
        .bytesWithoutEnd();
  }

  private static void assertRefusedAndTheNodeDiffers(Outcome o, String reason, String detail) {
    assertThat(o.verdict().verified()).as(o.reasons()).isFalse();
    assertThat(o.reasons()).contains(reason).contains(detail);
    assertThat(o.nodeShowsTheSignedModel())
        .as("the node shows something else than what was signed (the image is hostile)")
        .isFalse();
  }

  // ---- the nine shapes of issue 22 ----

  @Test
  void sizeFieldWithALeadingNulIsRefused() throws Exception {
    // Go's parseOctal trims leading NULs: the size is 512, and the data is a header that a C-string
    // reader takes for the next entry, covering the evil entry Go reads after it.
    byte[] evil = evilEntry();
    byte[] cover = RawTar.header("tmp/cover", '0', evil.length).bytes();
    RawTar t =
        RawTar.create()
            .entry(
                RawTar.header("tmp/pad", '0', 0)
                    .rawSize(("\0" + "0000001000" + "\0").getBytes(StandardCharsets.US_ASCII)),
                cover)
            .raw(evil);

    Outcome o = run("size-leading-nul", modelcar(hostile(t)));

    assertRefusedAndTheNodeDiffers(o, "LAYER_UNSUPPORTED", "size field that is not plain octal");
  }

  @Test
  void twoPaxHeadersBeforeOneEntryAreRefused() throws Exception {
    // Go keeps only the second 'x' header (Reader.next replaces paxHdrs): the entry lands at the
    // name in its own header, not at the first header's path.
    RawTar t =
        RawTar.create()
            .pax("path", "tmp/elsewhere")
            .pax("comment", "second")
            .entry(RawTar.header("models/model.safetensors", '0', EVIL.length), EVIL);

    Outcome o = run("two-pax-headers", modelcar(hostile(t)));

    assertRefusedAndTheNodeDiffers(o, "LAYER_UNSUPPORTED", "two PAX extended headers");
  }

  @Test
  void gnuLongNameBesidePaxPathIsRefused() throws Exception {
    // Go sets the GNU long name after merging PAX records: it wins whatever the order.
    RawTar t =
        RawTar.create()
            .gnuLong('L', "models/model.safetensors")
            .pax("path", "tmp/elsewhere")
            .entry(RawTar.header("placeholder", '0', EVIL.length), EVIL);

    Outcome o = run("gnu-name-and-pax-path", modelcar(hostile(t)));

    assertRefusedAndTheNodeDiffers(o, "LAYER_UNSUPPORTED", "mixes a GNU long name");
  }

  @Test
  void gnuHeaderWithANonNumericAccessTimeIsRefused() throws Exception {
    // Go cannot parse "models" as an access time and falls back to reading it as a ustar prefix
    // (readHeader, golang issue 12594): the file lands at models/model.safetensors.
    RawTar t =
        RawTar.create()
            .entry(
                RawTar.header("model.safetensors", '0', EVIL.length).gnu().prefix("models"), EVIL);

    Outcome o = run("gnu-atime-prefix", modelcar(hostile(t)));

    assertRefusedAndTheNodeDiffers(o, "LAYER_UNSUPPORTED", "GNU header with its access-time");
  }

  @Test
  void emptyGnuLongNameIsRefused() throws Exception {
    // Go keeps the header's own name when the long name is empty.
    RawTar t =
        RawTar.create()
            .gnuLong('L', "")
            .entry(RawTar.header("models/model.safetensors", '0', EVIL.length), EVIL);

    Outcome o = run("empty-gnu-long-name", modelcar(hostile(t)));

    assertRefusedAndTheNodeDiffers(o, "LAYER_UNSUPPORTED", "empty GNU long name");
  }

  @Test
  void emptyPaxPathIsRefused() throws Exception {
    // mergePAX skips empty values: Go keeps the header's name.
    RawTar t =
        RawTar.create()
            .pax("path", "")
            .entry(RawTar.header("models/model.safetensors", '0', EVIL.length), EVIL);

    Outcome o = run("empty-pax-path", modelcar(hostile(t)));

    assertRefusedAndTheNodeDiffers(o, "LAYER_UNSUPPORTED", "empty PAX path");
  }

  @Test
  void typeflagNulWithATrailingSlashIsRefused() throws Exception {
    // Go turns it into a directory, which has no data: the evil entry "inside" it is read next.
    byte[] evil = evilEntry();
    RawTar t = RawTar.create().raw(RawTar.header("tmp/d/", '\0', evil.length).bytes()).raw(evil);

    Outcome o = run("nul-typeflag-slash", modelcar(hostile(t)));

    assertRefusedAndTheNodeDiffers(o, "LAYER_UNSUPPORTED", "name ends in '/'");
  }

  @Test
  void entryBelowASymlinkOfTheSameLayerIsRefused() throws Exception {
    // containerd resolves foo/ through the link it just wrote (fs.RootPath), then replaces the
    // link by the directory: the file stays in /models.
    RawTar t =
        RawTar.create()
            .symlink("foo", "/models")
            .entry(RawTar.header("foo/model.safetensors", '0', EVIL.length), EVIL)
            .dir("foo/");

    Outcome o = run("symlink-then-below-then-dir", modelcar(hostile(t)));

    assertRefusedAndTheNodeDiffers(o, "LAYER_UNSUPPORTED", "is below '/foo', a symbolic link");
  }

  @Test
  void entryBelowAHardLinkToASymlinkIsRefused() throws Exception {
    // hardlinkRootPath does not resolve the last element: h is the symlink's inode, a link too.
    RawTar t =
        RawTar.create()
            .symlink("lnk", "/models")
            .hardlink("h", "lnk")
            .entry(RawTar.header("h/model.safetensors", '0', EVIL.length), EVIL);

    Outcome o = run("hardlink-to-symlink", modelcar(hostile(t)));

    assertRefusedAndTheNodeDiffers(o, "LAYER_UNSUPPORTED", "is below '/h', a hard link");
  }

  @Test
  void whiteoutBelowASymlinkOfTheSameLayerIsRefused() throws Exception {
    // OverlayConvertWhiteout makes the whiteout device where the resolved path lands: in /models.
    RawTar t =
        RawTar.create()
            .symlink("foo", "/models")
            .entry(RawTar.header("foo/.wh.model.safetensors", '0', 0), new byte[0]);

    Outcome o = run("whiteout-below-symlink", modelcar(hostile(t)));

    assertRefusedAndTheNodeDiffers(o, "LAYER_UNSUPPORTED", "is below '/foo', a symbolic link");
  }

  // ---- next to them ----

  @Test
  void overlayOpaqueExtendedAttributeIsRefused() throws Exception {
    // containerd sets every SCHILY.xattr record on what it writes (createTarFile), and overlayfs
    // reads trusted.overlay.* attributes (opaque directories, redirects). On this test node the
    // lower files stayed visible; ModelGate assumes no reading of it and refuses.
    RawTar t =
        RawTar.create()
            .pax("SCHILY.xattr.trusted.overlay.opaque", "y")
            .dir("models/")
            .file("models/README", "nothing to see\n");

    Outcome o = run("overlay-opaque-xattr", modelcar(hostile(t)));

    assertRefusedAndTheNodeDiffers(o, "LAYER_UNSUPPORTED", "trusted.overlay.opaque");
  }

  @Test
  void indexWhoseFirstNodePlatformEntryIsAnAnnotatedTamperedImageIsRefused() throws Exception {
    ContainerImage.Pushed good =
        ContainerImage.push(registry.host + "/cases/index-trick:good", modelcar());
    good.attachSignature(signed.signature);
    ContainerImage.Pushed bad =
        ContainerImage.push(
            registry.host + "/cases/index-trick:bad",
            modelcar(
                Layer.gzip(
                    ImageLayer.create()
                        .dir("models")
                        .file("models/model.safetensors", EVIL)
                        .tar())));
    bad.attachSignature(signed.signature);
    Map<String, String> amd64 = Map.of("architecture", "amd64", "os", "linux");
    ContainerImage.pushIndex(
        good.ref(),
        "v1",
        List.of(
            ContainerImage.indexEntry(
                bad,
                amd64,
                Map.of(
                    "vnd.docker.reference.type",
                    "attestation-manifest",
                    "vnd.docker.reference.digest",
                    good.digest().toString())),
            ContainerImage.indexEntry(good, amd64, Map.of())));

    Outcome o = judge("index-annotated-first-entry", registry.host + "/cases/index-trick:v1");

    assertRefusedAndTheNodeDiffers(
        o, "REGISTRY_CONTENT_INVALID", "two different manifests for linux/amd64");
  }

  // ---- honest images ----

  @Test
  void honestGzipModelcarIsAdmittedAndTheNodeShowsTheSignedModel() throws Exception {
    Outcome o = run("honest-gzip", modelcar());

    assertThat(o.verdict().verified()).as(o.reasons()).isTrue();
    assertThat(o.nodeShowsTheSignedModel()).isTrue();
  }

  @Test
  void honestUncompressedModelcarIsAdmittedAndTheNodeShowsTheSignedModel() throws Exception {
    Outcome o =
        run(
            "honest-tar",
            List.of(
                Layer.tar(ContainerImage.busyboxBase().tar()),
                Layer.tar(ImageLayer.create().copy(signed.model, "models").tar())));

    assertThat(o.verdict().verified()).as(o.reasons()).isTrue();
    assertThat(o.nodeShowsTheSignedModel()).isTrue();
  }

  @Test
  void zstdModelcarIsRefusedByModelGateThoughTheNodeReadsIt() throws Exception {
    Outcome o =
        run(
            "honest-zstd",
            List.of(
                Layer.zstd(ContainerImage.busyboxBase().tar()),
                Layer.zstd(ImageLayer.create().copy(signed.model, "models").tar())));

    assertThat(o.verdict().verified()).isFalse();
    assertThat(o.reasons()).contains("LAYER_NOT_VERIFIABLE").contains("zstd");
    assertThat(o.nodeShowsTheSignedModel()).isTrue();
  }

  @Test
  void gnuTarAndPosixTarLayersOfTheModelAreAdmitted() throws Exception {
    for (String format : List.of("gnu", "posix")) {
      Path out = tmp.resolve("model-" + format + ".tar");
      Process p =
          new ProcessBuilder(
                  "tar",
                  "--format=" + format,
                  "--transform=s,^\\.,models,",
                  "-C",
                  signed.model.toString(),
                  "-cf",
                  out.toString(),
                  ".")
              .inheritIO()
              .start();
      assertThat(p.waitFor()).isZero();

      Outcome o =
          run(
              "honest-gnu-tar-" + format,
              List.of(
                  Layer.gzip(ContainerImage.busyboxBase().tar()),
                  Layer.gzip(Files.readAllBytes(out))));

      assertThat(o.verdict().verified()).as(format + ": " + o.reasons()).isTrue();
      assertThat(o.nodeShowsTheSignedModel()).isTrue();
    }
  }

  @Test
  void whiteoutsAndOpaqueDirectoriesOfLaterLayersAgreeWithTheNode() throws Exception {
    Layer withExtras =
        Layer.gzip(
            ImageLayer.create()
                .copy(signed.model, "models")
                .file("models/extra.bin", "unsigned")
                .file("models/tokenizer/stale.txt", "unsigned")
                .tar());
    Layer cleanup =
        Layer.gzip(
            ImageLayer.create()
                .dir("models")
                .whiteout("models", "extra.bin")
                .dir("models/tokenizer")
                .opaque("models/tokenizer")
                .file(
                    "models/tokenizer/vocab.txt",
                    Files.readAllBytes(signed.model.resolve("tokenizer/vocab.txt")))
                .tar());

    Outcome o =
        run(
            "honest-whiteout-opaque",
            List.of(Layer.gzip(ContainerImage.busyboxBase().tar()), withExtras, cleanup));

    assertThat(o.verdict().verified()).as(o.reasons()).isTrue();
    assertThat(o.nodeShowsTheSignedModel()).isTrue();
  }

  @Test
  void whiteoutOfASignedFileIsRefusedAndTheNodeLacksIt() throws Exception {
    Outcome o =
        run(
            "whiteout-signed-file",
            modelcar(
                Layer.gzip(
                    ImageLayer.create().dir("models").whiteout("models", "config.json").tar())));

    assertThat(o.verdict().verified()).isFalse();
    assertThat(o.reasons()).contains("FILE_MISSING").contains("config.json");
    assertThat(o.tree()).doesNotContainKey("config.json");
  }
}
