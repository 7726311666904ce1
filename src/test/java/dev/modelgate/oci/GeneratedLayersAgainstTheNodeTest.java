package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.testing.ContainerImage;
import dev.modelgate.testing.Containerd;
import dev.modelgate.testing.ImageLayer;
import dev.modelgate.testing.TestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Layers generated from a grammar of entries (files, directories, symbolic and hard links,
 * whiteouts, opaque markers, over a few colliding paths) on a base with a model directory, applied
 * by ModelGate's {@link ImageFilesystem} and by a real containerd 1.6 ({@link Containerd}: pulled
 * from the test registry, mounted with the overlayfs snapshotter). The property: where ModelGate
 * finds nothing to refuse, the node's {@code /models} holds exactly the regular files ModelGate
 * computed, byte for byte, and nothing else but directories (or the node cannot apply the layers at
 * all, so nothing runs). About a second per image, so the number of tries is bounded; the seed is
 * fixed so CI is reproducible.
 */
class GeneratedLayersAgainstTheNodeTest {
  static Path tmp;
  static TestRegistry registry;
  static Containerd node;
  static final AtomicInteger images = new AtomicInteger();

  @BeforeContainer
  static void start() throws Exception {
    tmp = Files.createTempDirectory("modelgate-generated-layers");
    registry = TestRegistry.startOrSkip(Files.createDirectories(tmp.resolve("registry")));
    node = Containerd.startOrSkip(tmp.resolve("ctd"));
  }

  @AfterContainer
  static void stop() throws IOException {
    if (node != null) {
      node.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (tmp != null) {
      try (Stream<Path> s = Files.walk(tmp)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** One element of a generated layer. */
  record Element(String kind, String path, String arg) {}

  @Provide
  Arbitrary<List<List<Element>>> images() {
    Arbitrary<Element> file =
        Combinators.combine(
                Arbitraries.of("models/a", "models/b", "models/d/c", "foo/a", "models", "foo", "x"),
                Arbitraries.of("1", "2"))
            .as((p, c) -> new Element("file", p, c));
    Arbitrary<Element> dir =
        Arbitraries.of("models", "models/d", "foo", "x").map(p -> new Element("dir", p, ""));
    Arbitrary<Element> symlink =
        Combinators.combine(
                Arbitraries.of("foo", "x", "models/d", "models"),
                Arbitraries.of("/models", "models", "/models/d", "../models", "foo"))
            .as((p, t) -> new Element("symlink", p, t));
    Arbitrary<Element> hardlink =
        Combinators.combine(
                Arbitraries.of("foo", "x", "models/e"), Arbitraries.of("foo", "models/a", "x"))
            .as((p, t) -> new Element("hardlink", p, t));
    Arbitrary<Element> whiteout =
        Combinators.combine(
                Arbitraries.of("", "models", "foo", "models/d"),
                Arbitraries.of("a", "d", "models", "foo"))
            .as((d, n) -> new Element("whiteout", d, n));
    Arbitrary<Element> opaque =
        Arbitraries.of("models", "foo", "models/d").map(d -> new Element("opaque", d, ""));
    Arbitrary<Element> element =
        Arbitraries.frequencyOf(
            Tuple.of(5, file),
            Tuple.of(3, dir),
            Tuple.of(2, symlink),
            Tuple.of(1, hardlink),
            Tuple.of(2, whiteout),
            Tuple.of(1, opaque));
    return element.list().ofMinSize(1).ofMaxSize(5).list().ofMinSize(1).ofMaxSize(3);
  }

  private static ImageLayer layer(List<Element> elements) {
    ImageLayer l = ImageLayer.create();
    for (Element e : elements) {
      switch (e.kind()) {
        case "file" -> l.file(e.path(), e.arg());
        case "dir" -> l.dir(e.path());
        case "symlink" -> l.symlink(e.path(), e.arg());
        case "hardlink" -> l.hardlink(e.path(), e.arg());
        case "whiteout" -> l.whiteout(e.path(), e.arg());
        default -> l.opaque(e.path());
      }
    }
    return l;
  }

  @Property(tries = 30, seed = "20261207")
  void whereModelGateRefusesNothingTheNodeShowsItsModelFiles(
      @ForAll("images") List<List<Element>> image) throws Exception {
    List<ImageLayer> layers = new ArrayList<>();
    layers.add(ContainerImage.busyboxBase());
    layers.add(ImageLayer.create().dir("models").file("models/a", "base").dir("models/d"));
    image.forEach(es -> layers.add(layer(es)));
    ImageFilesystem fs = new ImageFilesystem("/models");
    for (ImageLayer l : layers) {
      Path f = Files.write(tmp.resolve("generated.tar"), l.tar());
      try {
        fs.apply(TarFiles.readChangeset(f, false, 1 << 20, Instant.now().plusSeconds(30)));
      } catch (InvalidInputException e) {
        fs = null;
        break;
      }
    }
    boolean refused =
        fs == null || fs.problems().stream().anyMatch(p -> p.reason() != Reason.NOT_FOUND);
    if (refused) {
      Statistics.label("verdict").collect("ModelGate refuses");
      return;
    }
    String ref = registry.host + "/generated/image" + images.incrementAndGet() + ":v1";
    ContainerImage.push(ref, layers.toArray(new ImageLayer[0]));
    Containerd.Result pull = node.pull(ref);
    if (!pull.ok()) {
      // The node cannot apply it (a hard link to nothing, say): no container runs from it.
      Statistics.label("verdict").collect("node cannot apply it");
      return;
    }
    Map<String, Containerd.Node> files = new TreeMap<>(node.tree(ref, "models"));
    files.values().removeIf(n -> n.type().equals("directory"));
    Map<String, Containerd.Node> expected = new TreeMap<>();
    for (ImageFilesystem.ModelFile mf : fs.modelFiles().values()) {
      expected.put(mf.path(), new Containerd.Node("file", mf.sha256Hex()));
    }
    Statistics.label("verdict").collect("compared with the node");
    assertThat(files).as("%s", image).isEqualTo(expected);
  }
}
