package dev.modelgate.oci;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Limits;
import dev.modelgate.core.Reason;
import dev.modelgate.core.UnavailableException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Lists the entries of a (gzip-compressed) tar archive, with the sha256 of each regular file,
 * reading it once. {@link #read} accepts only files and directories (links, devices and FIFOs make
 * a model archive unverifiable, as a model directory with them would be); {@link #readChangeset}
 * returns every entry with its type, for image layers, where links and devices outside the model
 * are normal.
 *
 * <p>Only a plain subset of tar is accepted: the subset that Go's archive/tar (which containerd
 * unpacks layers with) provably reads exactly as this class does. Everything else is refused with
 * {@link Reason#LAYER_UNSUPPORTED} naming the entry, never guessed. The rules, each from the Go
 * source (golang/go tag go1.19.8, the Go of Debian's containerd 1.6.20; {@code
 * src/archive/tar/reader.go} Reader.next and readHeader, {@code format.go} getFormat, {@code
 * strconv.go} parseNumeric, parseOctal and parsePAXRecord):
 *
 * <ul>
 *   <li>a header's checksum must be valid (getFormat) and its magic POSIX ustar ({@code "ustar\0"
 *       "00"}, nothing after the 155-byte prefix, so no star trailer) or GNU ({@code "ustar \0"},
 *       with its access-time/prefix area empty: Go falls back to reading that area as a ustar
 *       prefix when it does not parse as a time, issue 12594);
 *   <li>numeric fields are plain octal (leading spaces, digits, then only NULs or spaces) or GNU
 *       base-256 with a positive value: parseOctal trims leading NULs, so {@code "\0 0017"} is 15
 *       to Go and would be 0 to a C-string reader;
 *   <li>at most one PAX {@code x} header before an entry (Go keeps only the last), no GNU {@code
 *       L}/{@code K} beside it (Go lets the GNU name win), at most one of each GNU kind, no global
 *       {@code g} headers, no empty GNU long name or empty PAX {@code path}/{@code linkpath}/{@code
 *       size} (Go keeps the header's value for an empty one), no duplicate PAX keys, no sparse
 *       records, and PAX numbers Go parses must parse;
 *   <li>a typeflag NUL (or '0') name ending in '/' is refused: Go makes a NUL one a directory with
 *       no data;
 *   <li>names and link names are UTF-8 (Go reads bytes; two byte strings must not become one Java
 *       string), at most {@link Limits#MAX_PATH_CHARS} bytes, and links name a target;
 *   <li>the archive ends with a zero block followed by another or by the end of the stream (Go
 *       refuses a zero block followed by a header);
 *   <li>extended attributes that overlayfs reads ({@code trusted.*}, {@code user.overlay.*}) are
 *       refused: containerd sets every {@code SCHILY.xattr.*} record on the file it writes
 *       (archive/tar.go createTarFile, containerd commit 2806fc1057397dbaeefbea0e4e17bddfbd388f38,
 *       v1.6.20), so {@code trusted.overlay.opaque=y} would hide the lower layers' files from the
 *       node.
 * </ul>
 *
 * <p>Memory is bounded before anything is allocated: at most {@link #MAX_ENTRIES} entries and
 * {@link #MAX_NAME_BYTES} bytes of names per archive, extended headers of at most 1 MiB (Go's
 * maxSpecialFileSize), and the bytes of at most one kept file of at most {@link #MAX_KEPT_BYTES}.
 */
public final class TarFiles {
  /** Most entries read from one archive. */
  public static final int MAX_ENTRIES = 100_000;

  /** Most bytes of names and link names in one archive, all entries together. */
  public static final long MAX_NAME_BYTES = 16L << 20;

  /** Most bytes of one extended header (PAX or GNU long name): Go's maxSpecialFileSize. */
  static final int MAX_EXTENDED_HEADER_BYTES = 1 << 20;

  /** Most bytes of the one regular file kept by {@link #readChangeset}: a signature bundle. */
  public static final int MAX_KEPT_BYTES = (int) Limits.MAX_BUNDLE_BYTES;

  private static final Pattern PAX_DECIMAL = Pattern.compile("[0-9]{1,18}");
  private static final Pattern PAX_TIME = Pattern.compile("-?[0-9]{1,18}(\\.[0-9]*)?");

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
   * with the same bounds as {@link #read}. The one regular file whose name {@code keep} accepts
   * carries its bytes (up to {@link #MAX_KEPT_BYTES}); a second one refuses the archive, so no
   * layer can make this keep more than one file's bytes.
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
      return new Reader(in, allTypes, keep).entries();
    } catch (IOException e) {
      throw new InvalidInputException(
          Reason.LAYER_NOT_VERIFIABLE, "archive cannot be read: " + e.getMessage(), e);
    }
  }

  /** One pass over one archive. */
  private static final class Reader {
    private final InputStream in;
    private final boolean allTypes;
    private final Predicate<String> keep;
    private final byte[] header = new byte[512];
    private final byte[] buf = new byte[1 << 16];
    private final List<Entry> out = new ArrayList<>();
    private long nameBytes;
    private String kept;
    private int headers;
    private String headerName = "";

    Reader(InputStream in, boolean allTypes, Predicate<String> keep) {
      this.in = in;
      this.allTypes = allTypes;
      this.keep = keep;
    }

    List<Entry> entries() throws IOException {
      Map<String, String> pax = null;
      String longName = null;
      String longLink = null;
      while (true) {
        int n = in.readNBytes(header, 0, 512);
        if (n == 0 && pax == null && longName == null && longLink == null) {
          // Go's readHeader: end of stream at a block boundary is the end of the archive.
          return out;
        }
        if (n < 512) {
          throw unreadable("ends inside a header");
        }
        headers++;
        headerName = rawName();
        if (allZero(header)) {
          if (pax != null || longName != null || longLink != null) {
            throw unsupported("has an extended header with no entry after it");
          }
          int m = in.readNBytes(header, 0, 512);
          if (m != 0 && (m < 512 || !allZero(header))) {
            // Go's readHeader: a zero block, then a non-zero one, is ErrHeader.
            throw unsupported("has a zero block followed by something other than a zero block");
          }
          return out;
        }
        if (out.size() >= MAX_ENTRIES) {
          throw new InvalidInputException(
              Reason.LIMIT_EXCEEDED, "archive has more than " + MAX_ENTRIES + " entries");
        }
        Header h = header();
        char type = (char) header[156];
        if (type == 'x' || type == 'L' || type == 'K') {
          String what =
              type == 'x' ? "PAX extended header" : "GNU long " + (type == 'L' ? "name" : "link");
          if (h.size > MAX_EXTENDED_HEADER_BYTES) {
            throw unsupported(
                "has a " + what + " of " + h.size + " bytes (Go reads at most 1 MiB)");
          }
          byte[] data = in.readNBytes((int) h.size);
          if (data.length < h.size) {
            throw unreadable("ends inside a " + what);
          }
          skip(pad(h.size));
          if (type == 'x') {
            if (pax != null) {
              throw unsupported(
                  "has two PAX extended headers before one entry (Go keeps only the second)");
            }
            if (longName != null || longLink != null) {
              throw unsupported("mixes a GNU long name or link with a PAX extended header");
            }
            pax = paxRecords(data);
          } else {
            if (pax != null) {
              throw unsupported("mixes a GNU long name or link with a PAX extended header");
            }
            String value = untilNul(data, what);
            if (value.isEmpty()) {
              throw unsupported("has an empty " + what + " (Go then keeps the name in the header)");
            }
            if (type == 'L') {
              if (longName != null) {
                throw unsupported("has two GNU long names before one entry");
              }
              longName = value;
            } else {
              if (longLink != null) {
                throw unsupported("has two GNU long links before one entry");
              }
              longLink = value;
            }
          }
          continue;
        }
        String name = h.name;
        String linkName = h.linkName;
        long size = h.size;
        if (pax != null) {
          name = pax.getOrDefault("path", name);
          linkName = pax.getOrDefault("linkpath", linkName);
          if (pax.containsKey("size")) {
            // Go's mergePAX: the PAX size replaces the header's, so the data read is that long.
            size = Long.parseLong(pax.get("size"));
          }
        }
        if (longName != null) {
          name = longName;
        }
        if (longLink != null) {
          linkName = longLink;
        }
        pax = null;
        longName = null;
        longLink = null;
        Type t = type(type, name);
        checkName(name, "name");
        if (t == Type.SYMLINK || t == Type.HARDLINK) {
          checkName(linkName, "link target of '" + name + "'");
        }
        if (!allTypes && t != Type.FILE && t != Type.DIRECTORY) {
          throw unsupported(
              "entry '"
                  + name
                  + "' is a "
                  + t.description()
                  + "; only regular files and directories are accepted");
        }
        if (t != Type.FILE) {
          // Go's archive/tar reads no data after a link, device, directory or FIFO header whatever
          // its size field says (isHeaderOnlyType in src/archive/tar/common.go); skipping that many
          // bytes here would hide the entries a runtime unpacks from there.
          if (allTypes) {
            out.add(
                new Entry(
                    name,
                    t,
                    t == Type.SYMLINK || t == Type.HARDLINK ? linkName : "",
                    "",
                    0,
                    new byte[0]));
          }
          continue;
        }
        out.add(file(name, size));
      }
    }

    private Entry file(String name, long size) throws IOException {
      MessageDigest md = sha256();
      byte[] content = null;
      if (keep.test(name)) {
        if (kept != null) {
          throw unsupported(
              "holds '" + name + "' after '" + kept + "': both land on the same kept file");
        }
        kept = name;
        if (size <= MAX_KEPT_BYTES) {
          // Checked before the allocation: at most one kept file, of at most MAX_KEPT_BYTES.
          content = new byte[(int) size];
        }
      }
      long left = size;
      int at = 0;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw unreadable("ends inside entry '" + name + "'");
        }
        md.update(buf, 0, n);
        if (content != null) {
          System.arraycopy(buf, 0, content, at, n);
          at += n;
        }
        left -= n;
      }
      skip(pad(size));
      return new Entry(
          name,
          Type.FILE,
          "",
          HexFormat.of().formatHex(md.digest()),
          size,
          content == null ? new byte[0] : content);
    }

    /** The header block's own fields, after the checks every header must pass. */
    private record Header(String name, String linkName, long size) {}

    private Header header() {
      long sum = 0;
      for (int i = 0; i < 512; i++) {
        sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xff;
      }
      long stored = octal(148, 8, "checksum");
      if (stored != sum) {
        throw unsupported(
            "has a header checksum of " + stored + " where the header sums to " + sum);
      }
      String magic = new String(header, 257, 8, StandardCharsets.ISO_8859_1);
      boolean ustar = magic.equals("ustar\0" + "00");
      boolean gnu = magic.equals("ustar  \0");
      if (!ustar && !gnu) {
        throw unsupported("has a header that is neither POSIX ustar nor GNU tar");
      }
      // ustar: nothing after the prefix (a star trailer there changes where Go reads the prefix);
      // GNU: nothing from the access time on (Go may read that area as a ustar prefix).
      for (int i = ustar ? 500 : 345; i < 512; i++) {
        if (header[i] != 0) {
          throw unsupported(
              ustar
                  ? "has bytes after the ustar prefix field (a star header)"
                  : "has a GNU header with its access-time/prefix area set");
        }
      }
      numeric(100, 8, "mode");
      numeric(108, 8, "uid");
      numeric(116, 8, "gid");
      long size = numeric(124, 12, "size");
      numeric(136, 12, "mtime");
      numeric(329, 8, "devmajor");
      numeric(337, 8, "devminor");
      String name = field(0, 100, "name");
      String prefix = ustar ? field(345, 155, "prefix") : "";
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
      return new Header(name, field(157, 100, "link name"), size);
    }

    /**
     * Plain octal as parseOctal reads it only when it reads the same: leading spaces, octal digits,
     * then only NULs and spaces; or base-256 (first byte 0x80) below 2^63, as parseNumeric reads
     * it.
     */
    private long numeric(int off, int len, String what) {
      if ((header[off] & 0x80) != 0) {
        if ((header[off] & 0xff) != 0x80) {
          throw unsupported("has a negative base-256 " + what + " field");
        }
        long v = 0;
        for (int i = off + 1; i < off + len; i++) {
          if ((v >>> 55) != 0) {
            throw unsupported("has a base-256 " + what + " field of 2^63 or more");
          }
          v = (v << 8) | (header[i] & 0xff);
        }
        if (v < 0) {
          throw unsupported("has a base-256 " + what + " field of 2^63 or more");
        }
        return v;
      }
      return octal(off, len, what);
    }

    private long octal(int off, int len, String what) {
      int i = off;
      int end = off + len;
      while (i < end && header[i] == ' ') {
        i++;
      }
      int digits = i;
      while (i < end && header[i] >= '0' && header[i] <= '7') {
        i++;
      }
      int digitsEnd = i;
      while (i < end && (header[i] == 0 || header[i] == ' ')) {
        i++;
      }
      if (i != end || digitsEnd - digits > 21) {
        throw unsupported(
            "has a "
                + what
                + " field that is not plain octal: '"
                + printable(new String(header, off, len, StandardCharsets.ISO_8859_1))
                + "'");
      }
      return digitsEnd == digits
          ? 0
          : Long.parseLong(
              new String(header, digits, digitsEnd - digits, StandardCharsets.US_ASCII), 8);
    }

    /** A C string field as Go's parseString reads it: up to its first NUL. */
    private String field(int off, int len, String what) {
      int end = off;
      while (end < off + len && header[end] != 0) {
        end++;
      }
      return utf8(header, off, end - off, what);
    }

    private void checkName(String name, String what) {
      if (name.isEmpty()) {
        throw unsupported("has an empty " + what);
      }
      int bytes = name.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > Limits.MAX_PATH_CHARS) {
        throw unsupported(
            "has a " + what + " of " + bytes + " bytes, more than " + Limits.MAX_PATH_CHARS);
      }
      nameBytes += bytes;
      if (nameBytes > MAX_NAME_BYTES) {
        throw new InvalidInputException(
            Reason.LIMIT_EXCEEDED,
            "archive has more than " + MAX_NAME_BYTES + " bytes of entry names");
      }
    }

    private Type type(char t, String name) {
      switch (t) {
        case '0':
        case '\0':
          if (name.endsWith("/")) {
            // Go's Reader.next turns a typeflag NUL with a trailing slash into a directory with no
            // data; a '0' one stays a file that containerd writes at the name without the slash.
            throw unsupported(
                "entry '"
                    + name
                    + "' is a regular file whose name ends in '/' (typeflag "
                    + (t == 0 ? "NUL" : "'0'")
                    + ")");
          }
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
          throw unsupported(
              "entry '"
                  + name
                  + "' has typeflag '"
                  + printable(String.valueOf(t))
                  + "', which is not a plain file, directory, link, device or FIFO");
      }
    }

    /**
     * PAX records, each "LEN key=value\n" where LEN counts the whole record, read by length exactly
     * as Go's parsePAXRecord reads them: a value may hold newlines. Anything Go would refuse or
     * read in a way that changes the entry is refused here.
     */
    private Map<String, String> paxRecords(byte[] data) {
      Map<String, String> records = new HashMap<>();
      int at = 0;
      while (at < data.length) {
        int sp = at;
        while (sp < data.length && data[sp] >= '0' && data[sp] <= '9' && sp - at < 10) {
          sp++;
        }
        if (sp == at || sp >= data.length || data[sp] != ' ' || (data[at] == '0' && sp - at > 1)) {
          throw unsupported("has a malformed PAX record (no length) at byte " + at);
        }
        long n = Long.parseLong(new String(data, at, sp - at, StandardCharsets.US_ASCII));
        if (n <= sp - at + 1 || at + n > data.length || data[(int) (at + n - 1)] != '\n') {
          throw unsupported("has a malformed PAX record (length " + n + ") at byte " + at);
        }
        String record = utf8(data, sp + 1, (int) (at + n - 1 - (sp + 1)), "PAX record");
        int eq = record.indexOf('=');
        if (eq <= 0) {
          throw unsupported("has a malformed PAX record (no key) at byte " + at);
        }
        String key = record.substring(0, eq);
        String value = record.substring(eq + 1);
        checkPax(key, value);
        if (records.put(key, value) != null) {
          throw unsupported("has the PAX record '" + printable(key) + "' twice in one header");
        }
        at += (int) n;
      }
      return records;
    }

    private void checkPax(String key, String value) {
      if (key.indexOf('\0') >= 0) {
        throw unsupported("has a PAX key holding a NUL");
      }
      if (key.startsWith("GNU.sparse")) {
        throw unsupported("holds a sparse file (PAX " + key + "), which ModelGate does not unpack");
      }
      switch (key) {
        case "path":
        case "linkpath":
          if (value.isEmpty()) {
            throw unsupported("has an empty PAX " + key + " (Go then keeps the header's)");
          }
          if (value.indexOf('\0') >= 0 || value.indexOf('\n') >= 0) {
            throw unsupported("has a PAX " + key + " holding a NUL or newline");
          }
          break;
        case "size":
        case "uid":
        case "gid":
          if (!PAX_DECIMAL.matcher(value).matches()) {
            throw unsupported(
                "has a PAX " + key + " that is not a decimal number: '" + printable(value) + "'");
          }
          break;
        case "mtime":
        case "atime":
        case "ctime":
          if (!PAX_TIME.matcher(value).matches()) {
            throw unsupported(
                "has a PAX " + key + " that is not a decimal time: '" + printable(value) + "'");
          }
          break;
        case "uname":
        case "gname":
          if (value.indexOf('\0') >= 0) {
            throw unsupported("has a PAX " + key + " holding a NUL");
          }
          break;
        default:
          if (key.startsWith("SCHILY.xattr.")) {
            String attr = key.substring("SCHILY.xattr.".length());
            if (attr.startsWith("trusted.") || attr.startsWith("user.overlay.")) {
              throw unsupported(
                  "sets the extended attribute '"
                      + printable(attr)
                      + "', which overlayfs reads (opaque directories, whiteouts, redirects)");
            }
          }
          break;
      }
    }

    private String untilNul(byte[] data, String what) {
      int end = 0;
      while (end < data.length && data[end] != 0) {
        end++;
      }
      return utf8(data, 0, end, what);
    }

    private String utf8(byte[] b, int off, int len, String what) {
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(b, off, len))
            .toString();
      } catch (CharacterCodingException e) {
        throw unsupported("has a " + what + " that is not UTF-8");
      }
    }

    private void skip(long n) throws IOException {
      if (in.skip(n) < n) {
        throw unreadable("ends inside an entry's padding");
      }
    }

    /** The header's name field as bytes, shown in refusals before it is known to be UTF-8. */
    private String rawName() {
      int end = 0;
      while (end < 100 && header[end] != 0) {
        end++;
      }
      return printable(new String(header, 0, end, StandardCharsets.ISO_8859_1));
    }

    private InvalidInputException unsupported(String problem) {
      return new InvalidInputException(
          Reason.LAYER_UNSUPPORTED,
          "archive header "
              + headers
              + " (entry "
              + (out.size() + 1)
              + (headerName.isEmpty() ? "" : ", header name '" + headerName + "'")
              + ") "
              + problem);
    }

    private InvalidInputException unreadable(String problem) {
      return new InvalidInputException(Reason.LAYER_NOT_VERIFIABLE, "archive " + problem);
    }
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

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c < 0x20 || c == 0x7f || c > 0x7e) {
        b.append(String.format("\\x%02x", (int) c & 0xff));
      } else {
        b.append(c);
      }
      if (b.length() > 80) {
        return b + "…";
      }
    }
    return b.toString();
  }

  private static long pad(long size) {
    return (512 - size % 512) % 512;
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
