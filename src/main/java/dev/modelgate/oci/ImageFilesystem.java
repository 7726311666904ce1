package dev.modelgate.oci;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a container runtime shows under one directory of an image (the model directory of a KServe
 * modelcar, {@code /models}), built by applying the image's layers in order as the OCI image spec
 * says (image-spec layer.md, "Applying Changesets" and "Whiteouts", opencontainers/image-spec
 * commit 03306ac1c8eeddda714bd4f98aab05ad62ff829c):
 *
 * <ul>
 *   <li>an entry replaces what a lower layer had at its path; a non-directory replacing a directory
 *       removes everything below it;
 *   <li>{@code .wh.<name>} removes {@code <name>} (and all below it) of lower layers, {@code
 *       .wh..wh..opq} removes every child of its directory of lower layers; both apply before the
 *       layer's own entries, whatever their order, and are never files themselves.
 * </ul>
 *
 * <p>Only the model directory, its ancestors, and symbolic and hard links anywhere are tracked:
 * files elsewhere are not the model's. Whatever a runtime might resolve differently from this
 * reading is a problem, collected, never silently chosen (see {@link #apply}): an entry or whiteout
 * below a link or other non-directory, a path with {@code ..} or empty segments, a whiteout of
 * anything but a plain name, a layer that both whites out and adds the same path, a path written
 * twice in one layer, and links, devices and FIFOs inside the model directory.
 */
public final class ImageFilesystem {
  /**
   * Most layers applied: overlayfs, which runtimes stack layers with, mounts at most 128 lower
   * directories.
   */
  public static final int MAX_LAYERS = 128;

  /**
   * Most paths tracked (model directory, its ancestors, symbolic and hard links) across all layers.
   */
  public static final int MAX_TRACKED = 200_000;

  /** Most characters of tracked paths, all together: no layer can fill the heap with names. */
  public static final long MAX_TRACKED_CHARS = 32L << 20;

  static final String WHITEOUT = ".wh.";
  static final String OPAQUE = ".wh..wh..opq";

  /**
   * A regular file of the model directory, its path relative to that directory; content only if
   * kept.
   */
  public record ModelFile(String path, String sha256Hex, long size, byte[] content) {}

  private record Node(
      TarFiles.Type type,
      String sha256Hex,
      long size,
      String linkName,
      int layer,
      byte[] content) {}

  private final String modelDir;
  private final String shownModelDir;
  private final TreeMap<String, Node> nodes = new TreeMap<>();
  private final List<Failure> problems = new ArrayList<>();
  private int layers;
  private long trackedBytes;
  private boolean overflowed;
  private static final byte[] NONE = new byte[0];

  /**
   * @param modelDir an absolute, normalised directory path, e.g. {@code /models}
   */
  public ImageFilesystem(String modelDir) {
    if (!modelDir.startsWith("/")
        || modelDir.length() < 2
        || normalise(modelDir.substring(1)) == null
        || modelDir.endsWith("/")) {
      throw new IllegalArgumentException(
          "model directory must be an absolute, normalised path below /: '" + modelDir + "'");
    }
    this.modelDir = modelDir.substring(1);
    this.shownModelDir = modelDir;
  }

  /**
   * True for a tar entry name that lands on {@code file} (relative to the model directory): what to
   * keep the bytes of.
   */
  public boolean names(String tarName, String file) {
    String p = normalise(entryName(tarName));
    return p != null && p.equals(modelDir + "/" + file);
  }

  /**
   * True for a tar entry name that lands on the model directory's {@code file} (the signature the
   * caller keeps the bytes of). The bytes kept from a lower layer for that file are released here:
   * this entry replaces them (or the layer is refused), so at most one copy is ever held.
   */
  public boolean keep(String tarName, String file) {
    if (!names(tarName, file)) {
      return false;
    }
    Node old = nodes.get(modelDir + "/" + file);
    if (old != null && old.content().length > 0) {
      nodes.put(
          modelDir + "/" + file,
          new Node(old.type(), old.sha256Hex(), old.size(), old.linkName(), old.layer(), NONE));
    }
    return true;
  }

  /**
   * Applies the next layer, its entries in archive order (as {@link TarFiles#readChangeset} lists
   * them), one at a time as containerd's applyNaive does (archive/tar.go, containerd commit
   * 2806fc1057397dbaeefbea0e4e17bddfbd388f38, v1.6.20): a symbolic link written early in a layer is
   * already there for the entries after it. Where the node's result could depend on how it applies
   * the layer (the overlayfs snapshotter applies each layer to an empty directory and resolves
   * links only within it, the native one applies it over the lower layers), the layer is refused
   * with {@link Reason#LAYER_UNSUPPORTED}: an entry or whiteout below a symbolic link, hard link or
   * other non-directory of this or a lower layer; a path written twice in one layer; a whiteout
   * that is not a plain empty file naming a plain name, or that removes what the same layer adds.
   */
  public void apply(List<TarFiles.Entry> entries) {
    int layer = layers++;
    if (layer >= MAX_LAYERS) {
      problems.add(
          Failure.of(Reason.LIMIT_EXCEEDED, "the image has more than %d layers", MAX_LAYERS));
      return;
    }
    TreeSet<String> written = new TreeSet<>();
    Set<String> removed = new HashSet<>();
    Set<String> opaque = new HashSet<>();
    TreeSet<String> whiteoutDirs = new TreeSet<>();
    for (int i = 0; i < entries.size(); i++) {
      TarFiles.Entry e = entries.get(i);
      String path = normalise(entryName(e.name()));
      if (path == null) {
        problems.add(
            Failure.about(
                Reason.PATH_UNSAFE,
                e.name(),
                "layer %d: entry '%s' has an unsafe path ('..', '.' or empty segments)",
                layer,
                e.name()));
        continue;
      }
      if (path.isEmpty()) {
        // containerd skips an entry that resolves to the root ("resolved to root").
        continue;
      }
      if (!written.add(path)) {
        unsupported(layer, i, e, "writes '/%s' a second time in the layer", path);
        continue;
      }
      String parent = parentOf(path);
      String base = path.substring(path.lastIndexOf('/') + 1);
      String blocker = nonDirectoryAbove(parent);
      if (blocker != null) {
        Node n = nodes.get(blocker);
        unsupported(
            layer,
            i,
            e,
            "is below '/%s', a %s%s (layer %d): a runtime resolves it there, or fails",
            blocker,
            n.type().description(),
            link(n),
            n.layer());
        continue;
      }
      if (base.startsWith(WHITEOUT)) {
        whiteout(layer, i, e, parent, base, new LayerState(written, removed, opaque, whiteoutDirs));
        continue;
      }
      String cover = removedAtOrAbove(path, removed);
      if (cover != null) {
        unsupported(
            layer,
            i,
            e,
            "adds '/%s' after a whiteout of '/%s' in the same layer; runtimes disagree on which wins",
            path,
            cover);
        continue;
      }
      Node existing = nodes.get(path);
      if (e.type() != TarFiles.Type.DIRECTORY
          || (existing != null && existing.type() != TarFiles.Type.DIRECTORY)) {
        // containerd removes what is there (a directory with all below it) unless both are
        // directories, which merge.
        removeBelow(path, Integer.MAX_VALUE);
        nodes.remove(path);
      }
      if (e.type() == TarFiles.Type.SYMLINK
          || e.type() == TarFiles.Type.HARDLINK
          || relevant(path)) {
        track(path, new Node(e.type(), e.sha256Hex(), e.size(), e.linkName(), layer, e.content()));
      }
    }
  }

  /** What one layer has done so far, for the rules between its entries. */
  private record LayerState(
      TreeSet<String> written,
      Set<String> removed,
      Set<String> opaque,
      TreeSet<String> whiteoutDirs) {}

  private void whiteout(
      int layer, int index, TarFiles.Entry e, String parent, String base, LayerState state) {
    if (e.type() != TarFiles.Type.FILE || e.size() != 0) {
      unsupported(
          layer,
          index,
          e,
          "is a whiteout that is not an empty regular file (%s)",
          e.type().description());
      return;
    }
    // overlayfs shows a directory that merges with no lower one as it is stored: a whiteout
    // device in it is a name a container lists but cannot open, where ModelGate sees nothing.
    String opaqueAbove = atOrAbove(parent, state.opaque());
    if (base.equals(OPAQUE)) {
      String inside =
          state.whiteoutDirs().contains(parent)
              ? parent
              : state.whiteoutDirs().ceiling(parent.isEmpty() ? "" : parent + "/");
      if (inside != null
          && (inside.equals(parent) || parent.isEmpty() || inside.startsWith(parent + "/"))) {
        unsupported(
            layer,
            index,
            e,
            "makes '/%s' opaque after a whiteout in it; the node would list that whiteout",
            parent);
        return;
      }
      // Hides the lower layers' children of the directory; this layer's own entries stay, before
      // or after the marker (applyNaive keeps unpackedPaths; overlayfs keeps the upper layer).
      state.opaque().add(parent);
      removeBelow(parent, layer);
      return;
    }
    String target = base.substring(WHITEOUT.length());
    if (target.isEmpty()
        || target.startsWith(WHITEOUT)
        || target.equals(".")
        || target.equals("..")) {
      unsupported(
          layer,
          index,
          e,
          "is a whiteout of '%s', which is not a plain name (aufs metadata, '.' or '..')",
          target);
      return;
    }
    if (opaqueAbove != null) {
      unsupported(
          layer,
          index,
          e,
          "is a whiteout inside '/%s', which the same layer makes opaque; the node would list it",
          opaqueAbove);
      return;
    }
    String path = parent.isEmpty() ? target : parent + "/" + target;
    String added = state.written().contains(path) ? path : state.written().ceiling(path + "/");
    if (added != null && (added.equals(path) || added.startsWith(path + "/"))) {
      unsupported(
          layer,
          index,
          e,
          "removes '/%s', which the same layer adds ('/%s'); runtimes disagree on which wins",
          path,
          added);
      return;
    }
    if (relevant(path) && !nodes.containsKey(path) && below(path).isEmpty()) {
      unsupported(
          layer,
          index,
          e,
          "removes '/%s', which no lower layer has; the node would list the whiteout as a name",
          path);
      return;
    }
    state.removed().add(path);
    state.whiteoutDirs().add(parent);
    removeBelow(path, layer);
    Node n = nodes.get(path);
    if (n != null && n.layer() < layer) {
      nodes.remove(path);
    }
  }

  /** {@code dir} or its nearest ancestor (the root is "") that is in {@code dirs}, or null. */
  private static String atOrAbove(String dir, Set<String> dirs) {
    if (dirs.isEmpty()) {
      return null;
    }
    if (dirs.contains("")) {
      return "";
    }
    String p = "";
    for (String seg : dir.isEmpty() ? new String[0] : dir.split("/")) {
      p = p.isEmpty() ? seg : p + "/" + seg;
      if (dirs.contains(p)) {
        return p;
      }
    }
    return null;
  }

  private void unsupported(int layer, int index, TarFiles.Entry e, String format, Object... args) {
    problems.add(
        Failure.about(
            Reason.LAYER_UNSUPPORTED,
            e.name(),
            "layer %d, entry %d ('%s'): %s",
            layer,
            index + 1,
            e.name(),
            String.format(format, args)));
  }

  /** The nearest tracked ancestor of {@code parent} (or itself) that is not a directory. */
  private String nonDirectoryAbove(String parent) {
    if (parent.isEmpty()) {
      return null;
    }
    String p = "";
    for (String seg : parent.split("/")) {
      p = p.isEmpty() ? seg : p + "/" + seg;
      Node n = nodes.get(p);
      if (n != null && n.type() != TarFiles.Type.DIRECTORY) {
        return p;
      }
    }
    return null;
  }

  private static String removedAtOrAbove(String path, Set<String> removed) {
    if (removed.isEmpty()) {
      return null;
    }
    String p = "";
    for (String seg : path.split("/")) {
      p = p.isEmpty() ? seg : p + "/" + seg;
      if (removed.contains(p)) {
        return p;
      }
    }
    return null;
  }

  private void track(String path, Node node) {
    if (nodes.size() >= MAX_TRACKED || trackedBytes + path.length() > MAX_TRACKED_CHARS) {
      if (!overflowed) {
        problems.add(
            Failure.of(
                Reason.LIMIT_EXCEEDED,
                "the image has more than %d paths (or %d characters of paths) in %s, its ancestors and links",
                MAX_TRACKED,
                MAX_TRACKED_CHARS,
                shownModelDir));
        overflowed = true;
      }
      return;
    }
    trackedBytes += path.length();
    nodes.put(path, node);
  }

  /** How many layers were applied. */
  public int layers() {
    return layers;
  }

  /**
   * The problems found applying the layers, then in the model directory as the last layer left it.
   */
  public List<Failure> problems() {
    List<Failure> out = new ArrayList<>(problems);
    out.addAll(finalProblems());
    return out;
  }

  /** The regular files of the model directory as the last layer left it, by path relative to it. */
  public Map<String, ModelFile> modelFiles() {
    Map<String, ModelFile> out = new LinkedHashMap<>();
    for (Map.Entry<String, Node> n : below(modelDir).entrySet()) {
      if (n.getValue().type() == TarFiles.Type.FILE) {
        String rel = n.getKey().substring(modelDir.length() + 1);
        out.put(
            rel,
            new ModelFile(
                rel, n.getValue().sha256Hex(), n.getValue().size(), n.getValue().content()));
      }
    }
    return out;
  }

  private List<Failure> finalProblems() {
    List<Failure> out = new ArrayList<>();
    String p = "";
    for (String seg : modelDir.split("/")) {
      p = p.isEmpty() ? seg : p + "/" + seg;
      Node n = nodes.get(p);
      if (n != null && n.type() != TarFiles.Type.DIRECTORY) {
        out.add(
            Failure.of(
                n.type() == TarFiles.Type.SYMLINK
                    ? Reason.SYMLINK_REFUSED
                    : Reason.LAYER_NOT_VERIFIABLE,
                "%s in the image is a %s (layer %d)%s, not a directory",
                "/" + p,
                n.type().description(),
                n.layer(),
                link(n)));
        return out;
      }
    }
    NavigableMap<String, Node> inside = below(modelDir);
    if (inside.isEmpty() && !nodes.containsKey(modelDir)) {
      out.add(
          Failure.of(
              Reason.NOT_FOUND,
              "the image has no %s directory (verification.imageModelPath) after applying its %d layers",
              shownModelDir,
              layers));
      return out;
    }
    for (Map.Entry<String, Node> e : inside.entrySet()) {
      Node n = e.getValue();
      String rel = e.getKey().substring(modelDir.length() + 1);
      switch (n.type()) {
        case FILE:
        case DIRECTORY:
          break;
        case SYMLINK:
          out.add(
              Failure.about(
                  Reason.SYMLINK_REFUSED,
                  rel,
                  "file '%s' in %s is a symbolic link%s (layer %d); links in image layers are not followed",
                  rel,
                  shownModelDir,
                  link(n),
                  n.layer()));
          break;
        case HARDLINK:
          out.add(
              Failure.about(
                  Reason.LAYER_NOT_VERIFIABLE,
                  rel,
                  "file '%s' in %s is a hard link%s (layer %d); its content is not checked",
                  rel,
                  shownModelDir,
                  link(n),
                  n.layer()));
          break;
        default:
          out.add(
              Failure.about(
                  Reason.SPECIAL_FILE_REFUSED,
                  rel,
                  "file '%s' in %s is a %s (layer %d)",
                  rel,
                  shownModelDir,
                  n.type().description(),
                  n.layer()));
          break;
      }
    }
    return out;
  }

  private static String link(Node n) {
    return n.linkName().isEmpty() ? "" : " to '" + n.linkName() + "'";
  }

  private NavigableMap<String, Node> below(String dir) {
    return dir.isEmpty() ? nodes : nodes.subMap(dir + "/", true, dir + "0", false);
  }

  /** Removes what lies below {@code dir} from layers below {@code layer}. */
  private void removeBelow(String dir, int layer) {
    below(dir).values().removeIf(n -> n.layer() < layer);
  }

  /** True for the model directory, its ancestors and everything in it. */
  private boolean relevant(String path) {
    return within(path) || modelDir.equals(path) || modelDir.startsWith(path + "/");
  }

  private boolean within(String path) {
    return path.startsWith(modelDir + "/");
  }

  private String shown(String path) {
    return within(path) ? path.substring(modelDir.length() + 1) : "/" + path;
  }

  private static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  /**
   * A tar name as a runtime resolves it against the root: containerd cleans the name and joins it
   * to the root, so "./x", "/x" and "x/" all name x.
   */
  private static String entryName(String name) {
    String n = name;
    while (n.startsWith("./")) {
      n = n.substring(2);
    }
    while (n.startsWith("/")) {
      n = n.substring(1);
    }
    while (n.endsWith("/")) {
      n = n.substring(0, n.length() - 1);
    }
    return n.equals(".") ? "" : n;
  }

  /**
   * The path unchanged when it is normal ("" for the root), null when a segment is empty, "." or
   * "..".
   */
  private static String normalise(String path) {
    if (path.isEmpty()) {
      return path;
    }
    if (path.indexOf('\0') >= 0) {
      return null;
    }
    for (String seg : path.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        return null;
      }
    }
    return path;
  }
}
