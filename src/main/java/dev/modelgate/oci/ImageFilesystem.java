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
 * <p>Only the model directory, its ancestors and symbolic links anywhere are tracked: files
 * elsewhere are not the model's. Whatever a runtime might resolve differently from this reading is
 * a problem, collected, never silently chosen: an entry or whiteout below a symbolic link (a
 * runtime follows it, so where it lands is unknown here), a path with {@code ..} or empty segments,
 * a whiteout of {@code ..}, a layer that both whites out and adds the same path (the spec keeps the
 * addition, containerd applies the stream in order), a path written twice in one layer, and links,
 * devices and FIFOs inside the model directory.
 */
public final class ImageFilesystem {
  /**
   * Most layers applied: overlayfs, which runtimes stack layers with, mounts at most 128 lower
   * directories.
   */
  public static final int MAX_LAYERS = 128;

  /** Most paths tracked (model directory, its ancestors, symbolic links) across all layers. */
  public static final int MAX_TRACKED = 200_000;

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
   * Applies the next layer (its entries in archive order, as {@link TarFiles#readChangeset} lists
   * them).
   */
  public void apply(List<TarFiles.Entry> entries) {
    int layer = layers++;
    if (layer >= MAX_LAYERS) {
      problems.add(
          Failure.of(Reason.LIMIT_EXCEEDED, "the image has more than %d layers", MAX_LAYERS));
      return;
    }
    Map<String, TarFiles.Entry> additions = new LinkedHashMap<>();
    Set<String> removed = new HashSet<>();
    Set<String> opaque = new HashSet<>();
    for (TarFiles.Entry e : entries) {
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
        continue;
      }
      int slash = path.lastIndexOf('/');
      String parent = slash < 0 ? "" : path.substring(0, slash);
      String base = path.substring(slash + 1);
      if (!base.startsWith(WHITEOUT)) {
        if (additions.containsKey(path) && e.type() != TarFiles.Type.DIRECTORY && relevant(path)) {
          problems.add(
              Failure.about(
                  Reason.DUPLICATE_RESOURCE,
                  shown(path),
                  "layer %d holds '%s' twice",
                  layer,
                  "/" + path));
        }
        additions.put(path, e);
        continue;
      }
      belowLink(layer, parent, e.name());
      if (base.equals(OPAQUE)) {
        opaque.add(parent);
      } else if (base.startsWith(WHITEOUT + WHITEOUT)) {
        // aufs metadata (.wh..wh.plnk, .wh..wh.aufs): runtimes skip it; inside the model it is not
        // a file anyone signed.
        if (parent.equals(modelDir) || within(parent)) {
          problems.add(
              Failure.about(
                  Reason.LAYER_NOT_VERIFIABLE,
                  shown(path),
                  "layer %d: '%s' is aufs whiteout metadata inside %s",
                  layer,
                  "/" + path,
                  shownModelDir));
        }
      } else {
        String target = base.substring(WHITEOUT.length());
        if (target.isEmpty() || target.equals(".") || target.equals("..")) {
          problems.add(
              Failure.about(
                  Reason.PATH_UNSAFE,
                  e.name(),
                  "layer %d: whiteout '%s' removes '%s', which is not a name in its directory",
                  layer,
                  e.name(),
                  target));
        } else {
          removed.add(parent.isEmpty() ? target : parent + "/" + target);
        }
      }
    }
    for (String r : removed) {
      for (String added : additions.keySet()) {
        if (added.equals(r) || added.startsWith(r + "/")) {
          problems.add(
              Failure.about(
                  Reason.LAYER_NOT_VERIFIABLE,
                  shown(added),
                  "layer %d both removes '%s' (whiteout) and adds '%s'; runtimes disagree on which wins",
                  layer,
                  "/" + r,
                  "/" + added));
        }
      }
    }
    // Whiteouts apply to the lower layers only, so before this layer's entries (layer.md,
    // Whiteouts).
    for (String d : opaque) {
      removeBelow(d);
    }
    for (String r : removed) {
      removeBelow(r);
      nodes.remove(r);
    }
    for (Map.Entry<String, TarFiles.Entry> a : additions.entrySet()) {
      String path = a.getKey();
      TarFiles.Entry e = a.getValue();
      belowLink(layer, parentOf(path), e.name());
      Node existing = nodes.get(path);
      if (e.type() == TarFiles.Type.DIRECTORY) {
        if (existing != null && existing.type() != TarFiles.Type.DIRECTORY) {
          nodes.remove(path);
        }
      } else {
        // Changeset over existing files: the old path is unlinked, a directory with all below it.
        removeBelow(path);
        nodes.remove(path);
      }
      if (e.type() == TarFiles.Type.SYMLINK || relevant(path)) {
        if (nodes.size() >= MAX_TRACKED) {
          problems.add(
              Failure.of(
                  Reason.LIMIT_EXCEEDED,
                  "the image has more than %d paths in %s or its links",
                  MAX_TRACKED,
                  shownModelDir));
          return;
        }
        nodes.put(
            path, new Node(e.type(), e.sha256Hex(), e.size(), e.linkName(), layer, e.content()));
      }
    }
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

  /** An entry or whiteout below a tracked symbolic link lands wherever the link points. */
  private void belowLink(int layer, String parent, String name) {
    String p = "";
    for (String seg : parent.isEmpty() ? new String[0] : parent.split("/")) {
      p = p.isEmpty() ? seg : p + "/" + seg;
      Node n = nodes.get(p);
      if (n != null && n.type() == TarFiles.Type.SYMLINK) {
        problems.add(
            Failure.about(
                Reason.SYMLINK_REFUSED,
                name,
                "layer %d: entry '%s' is below symbolic link '/%s'%s, which a runtime follows; where it lands is not checked",
                layer,
                name,
                p,
                link(n)));
        return;
      }
    }
  }

  private NavigableMap<String, Node> below(String dir) {
    return dir.isEmpty() ? nodes : nodes.subMap(dir + "/", true, dir + "0", false);
  }

  private void removeBelow(String dir) {
    below(dir).clear();
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
