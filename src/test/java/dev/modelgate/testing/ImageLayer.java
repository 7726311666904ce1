package dev.modelgate.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * One container image layer written as BuildKit and containerd write them (Go's archive/tar): POSIX
 * ustar headers with valid checksums, names relative to the image root without "./", directories
 * with a trailing "/", PAX records for names longer than 100 bytes, then the two zero blocks.
 * Whiteouts are the empty {@code .wh.<name>} and {@code .wh..wh..opq} files of the OCI image spec
 * (layer.md, "Whiteouts"). Hostile entries (devices, links, "..") are written exactly as asked.
 */
public final class ImageLayer {
  private final ByteArrayOutputStream tar = new ByteArrayOutputStream();
  private boolean closed;

  public static ImageLayer create() {
    return new ImageLayer();
  }

  public ImageLayer dir(String name) {
    return entry(name.endsWith("/") ? name : name + "/", '5', "", new byte[0], 0755);
  }

  public ImageLayer file(String name, String text) {
    return file(name, text.getBytes(StandardCharsets.UTF_8));
  }

  public ImageLayer file(String name, byte[] content) {
    return entry(name, '0', "", content, 0644);
  }

  public ImageLayer symlink(String name, String target) {
    return entry(name, '2', target, new byte[0], 0777);
  }

  public ImageLayer hardlink(String name, String target) {
    return entry(name, '1', target, new byte[0], 0755);
  }

  public ImageLayer characterDevice(String name) {
    return entry(name, '3', "", new byte[0], 0666);
  }

  /** A whiteout of {@code name} in directory {@code dir} ("" for the root). */
  public ImageLayer whiteout(String dir, String name) {
    return file((dir.isEmpty() ? "" : dir + "/") + ".wh." + name, new byte[0]);
  }

  /** An opaque whiteout: every child of {@code dir} in lower layers is hidden. */
  public ImageLayer opaque(String dir) {
    return file(dir + "/.wh..wh..opq", new byte[0]);
  }

  /**
   * {@code COPY src/ /under/}: the directory entry, then every directory and file below it, in name
   * order.
   */
  public ImageLayer copy(Path src, String under) {
    dir(under);
    try (Stream<Path> s = Files.walk(src)) {
      List<Path> all = s.filter(p -> !p.equals(src)).sorted().toList();
      for (Path p : all) {
        String name = under + "/" + src.relativize(p).toString().replace('\\', '/');
        if (Files.isDirectory(p)) {
          dir(name);
        } else {
          file(name, Files.readAllBytes(p));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /**
   * A raw entry: any type flag, and a size field that may disagree with the data written after it.
   */
  public ImageLayer raw(String name, char type, long declaredSize, byte[] data) {
    tar.writeBytes(header(name, type, "", declaredSize, 0644));
    tar.writeBytes(data);
    tar.writeBytes(new byte[(512 - data.length % 512) % 512]);
    return this;
  }

  /** The uncompressed tar (the layer's DiffID is its sha256). */
  public byte[] tar() {
    if (!closed) {
      tar.writeBytes(new byte[1024]);
      closed = true;
    }
    return tar.toByteArray();
  }

  public byte[] tarGzip() {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
      g.write(tar());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return gz.toByteArray();
  }

  private ImageLayer entry(String name, char type, String link, byte[] content, int mode) {
    if (name.getBytes(StandardCharsets.UTF_8).length > 100) {
      byte[] records = pax("path", name);
      tar.writeBytes(
          header("PaxHeaders.0/" + Math.abs(name.hashCode()), 'x', "", records.length, 0644));
      tar.writeBytes(records);
      tar.writeBytes(new byte[(512 - records.length % 512) % 512]);
      name = name.substring(0, 99);
    }
    tar.writeBytes(header(name, type, link, content.length, mode));
    tar.writeBytes(content);
    tar.writeBytes(new byte[(512 - content.length % 512) % 512]);
    return this;
  }

  private static byte[] pax(String key, String value) {
    String body = " " + key + "=" + value + "\n";
    int len = body.getBytes(StandardCharsets.UTF_8).length;
    int total = len + String.valueOf(len).length();
    if (String.valueOf(total).length() != String.valueOf(len).length()) {
      total++;
    }
    return (total + body).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] header(String name, char type, String link, long size, int mode) {
    byte[] h = new byte[512];
    put(h, 0, 100, name.getBytes(StandardCharsets.UTF_8));
    put(h, 100, 8, octal(mode, 7));
    put(h, 108, 8, octal(0, 7));
    put(h, 116, 8, octal(0, 7));
    put(h, 124, 12, octal(size, 11));
    put(h, 136, 12, octal(1_700_000_000L, 11));
    h[156] = (byte) type;
    put(h, 157, 100, link.getBytes(StandardCharsets.UTF_8));
    put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
    put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
    put(h, 265, 32, "root".getBytes(StandardCharsets.US_ASCII));
    put(h, 297, 32, "root".getBytes(StandardCharsets.US_ASCII));
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, 8, (String.format("%06o", sum) + "\0 ").getBytes(StandardCharsets.US_ASCII));
    return h;
  }

  private static byte[] octal(long v, int digits) {
    return String.format("%0" + digits + "o", v).getBytes(StandardCharsets.US_ASCII);
  }

  private static void put(byte[] h, int off, int len, byte[] v) {
    if (v.length > len) {
      throw new IllegalArgumentException(
          "field too long: " + new String(v, StandardCharsets.UTF_8));
    }
    System.arraycopy(v, 0, h, off, v.length);
  }
}
