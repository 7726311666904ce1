package dev.modelgate.oci;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.core.UnavailableException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * Lists the entries of a (gzip-compressed) tar archive, with the sha256 of each regular file,
 * reading it once. {@link #read} accepts only files and directories (links, devices and FIFOs make
 * a model archive unverifiable, as a model directory with them would be); {@link #readChangeset}
 * returns every entry with its type, for image layers, where links and devices outside the model
 * are normal. Reads ustar names (prefix + name), GNU long names and long link names, and PAX {@code
 * path}, {@code linkpath} and {@code size} records. Names are returned as written; the caller
 * validates them.
 */
public final class TarFiles {
  /** Most entries read from one archive. */
  public static final int MAX_ENTRIES = 100_000;

  private TarFiles() {}

  /** What an entry is; links and devices carry no content here. */
  public enum Type {
    FILE("regular file"),
    DIRECTORY("directory"),
    SYMLINK("symbolic link"),
    HARDLINK("hard link"),
    DEVICE("device"),
    FIFO("FIFO");

    private final String description;

    Type(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  /**
   * One entry; {@code sha256Hex} is empty and {@code size} 0 for anything but a regular file.
   * {@code content} holds the bytes of a regular file the caller asked to keep, else nothing.
   */
  public record Entry(
      String name, Type type, String linkName, String sha256Hex, long size, byte[] content) {
    public Entry(String name, String sha256Hex, long size) {
      this(name, Type.FILE, "", sha256Hex, size, new byte[0]);
    }
  }

  /** Most bytes of one regular file kept by {@link #readChangeset}: signatures, not weights. */
  public static final int MAX_KEPT_BYTES = 16 << 20;

  /**
   * Reads at most {@code maxUnpackedBytes} of tar stream (after gunzip, so a small gzip bomb cannot
   * run away) and stops at {@code deadline}.
   */
  public static List<Entry> read(
      Path archive, boolean gzip, long maxUnpackedBytes, Instant deadline) {
    return read(archive, gzip, maxUnpackedBytes, deadline, false, name -> false);
  }

  /**
   * Every entry of an image layer in archive order, directories, links, devices and FIFOs included,
   * with the same bounds as {@link #read}. Regular files whose name {@code keep} accepts carry
   * their bytes, up to {@link #MAX_KEPT_BYTES}.
   */
  public static List<Entry> readChangeset(
      Path archive, boolean gzip, long maxUnpackedBytes, Instant deadline, Predicate<String> keep) {
    return read(archive, gzip, maxUnpackedBytes, deadline, true, keep);
  }

  public static List<Entry> readChangeset(
      Path archive, boolean gzip, long maxUnpackedBytes, Instant deadline) {
    return readChangeset(archive, gzip, maxUnpackedBytes, deadline, name -> false);
  }

  private static List<Entry> read(
      Path archive,
      boolean gzip,
      long maxUnpackedBytes,
      Instant deadline,
      boolean allTypes,
      Predicate<String> keep) {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
        InputStream in =
            new Bounded(
                gzip ? new GZIPInputStream(raw, 1 << 16) : raw, maxUnpackedBytes, deadline)) {
      return entries(in, allTypes, keep);
    } catch (IOException e) {
      throw new InvalidInputException(
          Reason.LAYER_NOT_VERIFIABLE, "archive cannot be read: " + e.getMessage(), e);
    }
  }

  private static List<Entry> entries(InputStream in, boolean allTypes, Predicate<String> keep)
      throws IOException {
    List<Entry> out = new ArrayList<>();
    byte[] header = new byte[512];
    byte[] buf = new byte[1 << 16];
    String longName = null;
    String longLink = null;
    Long paxSize = null;
    while (true) {
      if (in.readNBytes(header, 0, 512) < 512) {
        throw bad("ends inside a header");
      }
      if (allZero(header)) {
        return out;
      }
      if (out.size() >= MAX_ENTRIES) {
        throw bad("has more than " + MAX_ENTRIES + " entries");
      }
      String name = string(header, 0, 100);
      String prefix = string(header, 345, 155);
      // Only POSIX ustar ("ustar\0") has a name prefix there; GNU's magic ("ustar  ") keeps other
      // fields at that offset, and Go's archive/tar (containerd) reads no prefix from it.
      if (!prefix.isEmpty() && "ustar".equals(string(header, 257, 6))) {
        name = prefix + "/" + name;
      }
      String linkName = string(header, 157, 100);
      long size = octal(header, 124, 12);
      char type = (char) (header[156] == 0 ? '0' : header[156]);
      if (type == 'L' || type == 'K' || type == 'x') {
        if (size > 1 << 20) {
          throw bad("has an extended header of " + size + " bytes");
        }
        byte[] data = in.readNBytes((int) size);
        skip(in, pad(size));
        if (type == 'L') {
          longName = untilNul(data);
        } else if (type == 'K') {
          longLink = untilNul(data);
        } else {
          Map<String, String> pax = paxRecords(data);
          longName = pax.getOrDefault("path", longName);
          longLink = pax.getOrDefault("linkpath", longLink);
          paxSize = pax.containsKey("size") ? Long.valueOf(decimal(pax.get("size"))) : paxSize;
        }
        continue;
      }
      if (longName != null) {
        name = longName;
        longName = null;
      }
      if (longLink != null) {
        linkName = longLink;
        longLink = null;
      }
      if (paxSize != null) {
        // Go's archive/tar (containerd) takes the PAX size over the header's: so must we, or the
        // bytes hashed would not be the bytes unpacked.
        size = paxSize;
        paxSize = null;
      }
      Type t = type(type);
      if (t == null || (!allTypes && t != Type.FILE && t != Type.DIRECTORY)) {
        throw bad(
            "entry '"
                + name
                + "' is a "
                + kind(type)
                + "; only regular files and directories are accepted");
      }
      if (t != Type.FILE) {
        // Go's archive/tar (containerd, and most model loaders) reads no data after a link,
        // device, directory or FIFO header whatever its size field says (isHeaderOnlyType in
        // src/archive/tar/common.go); skipping that many bytes here would hide the entries a
        // runtime unpacks from there.
        if (allTypes) {
          out.add(new Entry(name, t, linkName, "", 0, new byte[0]));
        }
        continue;
      }
      MessageDigest md = sha256();
      ByteArrayOutputStream kept =
          size <= MAX_KEPT_BYTES && keep.test(name) ? new ByteArrayOutputStream((int) size) : null;
      long left = size;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw bad("ends inside entry '" + name + "'");
        }
        md.update(buf, 0, n);
        if (kept != null) {
          kept.write(buf, 0, n);
        }
        left -= n;
      }
      skip(in, pad(size));
      out.add(
          new Entry(
              name,
              Type.FILE,
              "",
              HexFormat.of().formatHex(md.digest()),
              size,
              kept == null ? new byte[0] : kept.toByteArray()));
    }
  }

  /**
   * A GNU long name or link: up to its first NUL, as Go's archive/tar reads it (parseString).
   * Dropping every NUL instead would read "a\0b" as "ab" where containerd writes "a".
   */
  private static String untilNul(byte[] data) {
    int end = 0;
    while (end < data.length && data[end] != 0) {
      end++;
    }
    return new String(data, 0, end, StandardCharsets.UTF_8);
  }

  /**
   * PAX records, each "LEN key=value\n" where LEN counts the whole record, read by length exactly
   * as Go's archive/tar does (parsePAXRecord in src/archive/tar/strconv.go): a value may hold
   * newlines, so splitting on them would read other records than containerd unpacks. A malformed
   * record refuses the layer (Go refuses it too). Names holding NUL or a newline are refused, and
   * sparse-file records are refused: a reader that expands them would unpack other bytes than the
   * ones hashed here.
   */
  private static Map<String, String> paxRecords(byte[] data) {
    Map<String, String> out = new HashMap<>();
    int at = 0;
    while (at < data.length) {
      int sp = at;
      while (sp < data.length && data[sp] >= '0' && data[sp] <= '9' && sp - at < 10) {
        sp++;
      }
      if (sp == at || sp >= data.length || data[sp] != ' ' || (data[at] == '0' && sp - at > 1)) {
        throw bad("has a malformed PAX record (no length) at byte " + at);
      }
      long n = Long.parseLong(new String(data, at, sp - at, StandardCharsets.US_ASCII));
      if (n <= sp - at + 1 || at + n > data.length || data[(int) (at + n - 1)] != '\n') {
        throw bad("has a malformed PAX record (length " + n + ") at byte " + at);
      }
      String record =
          new String(data, sp + 1, (int) (at + n - 1 - (sp + 1)), StandardCharsets.UTF_8);
      int eq = record.indexOf('=');
      if (eq <= 0) {
        throw bad("has a malformed PAX record (no key) at byte " + at);
      }
      String key = record.substring(0, eq);
      String value = record.substring(eq + 1);
      if (key.startsWith("GNU.sparse")) {
        throw bad("holds a sparse file (PAX " + key + "), which ModelGate does not unpack");
      }
      if ((key.equals("path") || key.equals("linkpath"))
          && (value.indexOf('\0') >= 0 || value.indexOf('\n') >= 0)) {
        throw bad("has a PAX " + key + " holding a NUL or newline");
      }
      out.put(key, value);
      at += (int) n;
    }
    return out;
  }

  private static long decimal(String s) {
    if (!s.matches("[0-9]{1,18}")) {
      throw bad("has a PAX size that is not a decimal number: '" + s + "'");
    }
    return Long.parseLong(s);
  }

  /** Counts the unpacked bytes and watches the clock. */
  private static final class Bounded extends FilterInputStream {
    private final long max;
    private final Instant deadline;
    private long total;

    Bounded(InputStream in, long max, Instant deadline) {
      super(in);
      this.max = max;
      this.deadline = deadline;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        total += n;
        if (total > max) {
          throw new InvalidInputException(
              Reason.LIMIT_EXCEEDED,
              "archive unpacks to more than "
                  + max
                  + " bytes (verification.maxLayerDownloadBytes)");
        }
      }
      if (Instant.now().isAfter(deadline)) {
        throw new UnavailableException(
            "archive was still being hashed at the admission deadline", null);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = 0;
      byte[] buf = new byte[8192];
      while (skipped < n) {
        int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
        if (r < 0) {
          break;
        }
        skipped += r;
      }
      return skipped;
    }
  }

  private static Type type(char t) {
    switch (t) {
      case '0':
      case '7':
        return Type.FILE;
      case '5':
        return Type.DIRECTORY;
      case '1':
        return Type.HARDLINK;
      case '2':
        return Type.SYMLINK;
      case '3':
      case '4':
        return Type.DEVICE;
      case '6':
        return Type.FIFO;
      default:
        return null;
    }
  }

  private static String kind(char t) {
    switch (t) {
      case '1':
        return "hard link";
      case '2':
        return "symbolic link";
      case '3':
      case '4':
        return "device";
      case '6':
        return "FIFO";
      default:
        return "entry of type '" + t + "'";
    }
  }

  private static long pad(long size) {
    return (512 - size % 512) % 512;
  }

  private static void skip(InputStream in, long n) throws IOException {
    in.skipNBytes(n);
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static String string(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] b, int off, int len) {
    String s = string(b, off, len).trim();
    if (s.isEmpty()) {
      return 0;
    }
    try {
      long v = Long.parseLong(s, 8);
      if (v < 0) {
        throw bad("has a negative size");
      }
      return v;
    } catch (NumberFormatException e) {
      throw bad("has a size field that is not octal: '" + s + "'");
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static InvalidInputException bad(String problem) {
    return new InvalidInputException(Reason.LAYER_NOT_VERIFIABLE, "archive " + problem);
  }
}
