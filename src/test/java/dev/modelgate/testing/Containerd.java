package dev.modelgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real node runtime for tests: Debian's containerd 1.6 started on a private socket with its root
 * and state under the test's temporary directory, the CRI plugin disabled, the overlayfs
 * snapshotter (what a node uses). Images are pulled from the test registry over plain HTTP on
 * loopback and mounted read-only with {@code ctr images mount}, so a test reads the directory a
 * container would see. {@link #close} unmounts everything and stops the daemon; a shutdown hook
 * does the same if the test JVM ends first. Tests skip, saying why, when not root, when containerd
 * or overlayfs is missing (.ci/run installs containerd).
 */
public final class Containerd implements AutoCloseable {
  public static final Path CONTAINERD = Path.of("/usr/bin/containerd");
  public static final Path CTR = Path.of("/usr/bin/ctr");
  private static final String NAMESPACE = "modelgate-test";

  private final Process process;
  private final Path dir;
  private final Path socket;
  private final List<Path> mounts = new ArrayList<>();
  private final Thread hook;
  private int next;

  /** A file system entry as the node shows it: type, sha256 of a file, target of a link. */
  public record Node(String type, String detail) {}

  /** What {@code ctr} answered. */
  public record Result(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  private Containerd(Process process, Path dir, Path socket) {
    this.process = process;
    this.dir = dir;
    this.socket = socket;
    this.hook = new Thread(this::stop, "stop containerd " + dir);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  public static Containerd startOrSkip(Path dir) throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(CONTAINERD) && Files.isExecutable(CTR),
        "Debian's containerd is not installed (apt-get install containerd; .ci/run does it)");
    Assumptions.assumeTrue(
        "0".equals(run(List.of("id", "-u"), 10).output().strip()),
        "containerd needs root to mount overlay snapshots; these tests run as another user");
    Assumptions.assumeTrue(
        Files.readString(Path.of("/proc/filesystems")).contains("\toverlay"),
        "the kernel has no overlay file system for containerd's overlayfs snapshotter");
    Files.createDirectories(dir);
    Path socket = dir.resolve("c.sock");
    Path config = dir.resolve("config.toml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "version = 2",
            "root = \"" + dir.resolve("root") + "\"",
            "state = \"" + dir.resolve("state") + "\"",
            "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]",
            "[grpc]",
            "  address = \"" + socket + "\"",
            "[ttrpc]",
            "  address = \"" + socket + ".ttrpc\"",
            "[debug]",
            "  address = \"\"",
            "[metrics]",
            "  address = \"\"",
            ""));
    Process p =
        new ProcessBuilder(CONTAINERD.toString(), "--config", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("containerd.log").toFile())
            .start();
    Containerd c = new Containerd(p, dir, socket);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      if (Files.exists(socket) && c.ctr(List.of("version"), 10).ok()) {
        return c;
      }
      if (System.nanoTime() > end || !p.isAlive()) {
        c.close();
        throw new IllegalStateException(
            "containerd did not start; see " + dir.resolve("containerd.log"));
      }
      Thread.sleep(100);
    }
  }

  /** {@code ctr images pull --plain-http --platform linux/amd64} of a loopback reference. */
  public Result pull(String reference) {
    return ctr(
        List.of("images", "pull", "--plain-http", "--platform", "linux/amd64", reference), 120);
  }

  /**
   * The image's root file system as a container on this node sees it (read-only overlay mount), as
   * a map of path to entry below {@code under} (e.g. "models"); empty when the image has none.
   */
  public Map<String, Node> tree(String reference, String under) {
    Path target = dir.resolve("mnt" + next++);
    try {
      Files.createDirectories(target);
      Result m = ctr(List.of("images", "mount", reference, target.toString()), 120);
      if (!m.ok()) {
        throw new IllegalStateException("ctr images mount failed: " + m.output());
      }
      mounts.add(target);
      try {
        return read(target.resolve(under));
      } finally {
        Result u = ctr(List.of("images", "unmount", "--rm", target.toString()), 60);
        if (u.ok()) {
          mounts.remove(target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Names, types and bytes below {@code root}, links not followed. */
  public static Map<String, Node> read(Path root) throws IOException {
    Map<String, Node> out = new TreeMap<>();
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      out.put("", node(root));
      return out;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a)
              throws IOException {
            if (!d.equals(root)) {
              out.put(root.relativize(d).toString(), node(d));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
            out.put(root.relativize(f).toString(), node(f));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) {
            // Listed by readdir but not there on lookup (an overlayfs whiteout shown in a
            // directory no lower layer merges into): a name a container sees but cannot open.
            out.put(root.relativize(f).toString(), new Node("unreadable", e.toString()));
            return FileVisitResult.CONTINUE;
          }
        });
    return out;
  }

  private static Node node(Path p) throws IOException {
    if (Files.isSymbolicLink(p)) {
      return new Node("symlink", Files.readSymbolicLink(p).toString());
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      return new Node("directory", "");
    }
    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      try {
        return new Node(
            "file",
            HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    return new Node("other", "");
  }

  public Result ctr(List<String> args, int timeoutSeconds) {
    List<String> cmd =
        new ArrayList<>(List.of(CTR.toString(), "--address", socket.toString(), "-n", NAMESPACE));
    cmd.addAll(args);
    return run(cmd, timeoutSeconds);
  }

  private static Result run(List<String> cmd, int timeoutSeconds) {
    try {
      Path out = Files.createTempFile("modelgate-ctr", ".out");
      try {
        Process p =
            new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          return new Result(
              -1, String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip());
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook is running or ran.
    }
  }

  private synchronized void stop() {
    for (Path m : List.copyOf(mounts)) {
      if (!ctr(List.of("images", "unmount", "--rm", m.toString()), 30).ok()) {
        run(List.of("umount", "-l", m.toString()), 30);
      }
      mounts.remove(m);
    }
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    // Snapshots the daemon left mounted (none normally) would keep the temporary directory busy.
    run(
        List.of(
            "sh", "-c", "grep -o ' " + dir + "[^ ]*' /proc/self/mounts | xargs -r -n1 umount -l"),
        30);
  }
}
