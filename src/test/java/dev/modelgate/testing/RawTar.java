package dev.modelgate.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/**
 * A tar stream written header by header, byte by byte, for the shapes no honest writer produces:
 * every field of every header can be set to anything, and the checksum is computed last (unless a
 * test sets a wrong one). The defaults are what Go's archive/tar writes for a USTAR header
 * (golang/go go1.19.8, src/archive/tar/writer.go writeUSTARHeader and format.go): octal fields
 * zero-padded and NUL-terminated, magic {@code "ustar\0" "00"}, checksum {@code "%06o\0 "}.
 */
public final class RawTar {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** One 512-byte header block. */
  public static final class Header {
    private final byte[] b = new byte[512];
    private String checksum;

    private Header() {}

    public Header name(String name) {
      return field(0, 100, name.getBytes(StandardCharsets.UTF_8));
    }

    public Header link(String target) {
      return field(157, 100, target.getBytes(StandardCharsets.UTF_8));
    }

    public Header type(char t) {
      b[156] = (byte) t;
      return this;
    }

    public Header size(long size) {
      return field(124, 12, octal(size, 11));
    }

    /** The size field exactly as given, e.g. with a leading NUL. */
    public Header rawSize(byte[] raw) {
      return field(124, 12, raw);
    }

    /** The ustar prefix (bytes 345..500); for a GNU header, that area holds atime and ctime. */
    public Header prefix(String prefix) {
      return field(345, 155, prefix.getBytes(StandardCharsets.UTF_8));
    }

    /** GNU magic ("ustar \0") instead of POSIX ustar. */
    public Header gnu() {
      return field(257, 8, "ustar  \0".getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Any bytes at any offset (the field is cleared first). */
    public Header field(int off, int len, byte[] value) {
      if (value.length > len) {
        throw new IllegalArgumentException("field at " + off + " longer than " + len);
      }
      Arrays.fill(b, off, off + len, (byte) 0);
      System.arraycopy(value, 0, b, off, value.length);
      return this;
    }

    /** A checksum field written as given instead of the right one. */
    public Header checksum(String raw) {
      this.checksum = raw;
      return this;
    }

    /** The block with its checksum. */
    public byte[] bytes() {
      byte[] h = b.clone();
      Arrays.fill(h, 148, 156, (byte) ' ');
      long sum = 0;
      for (byte x : h) {
        sum += x & 0xff;
      }
      byte[] c =
          (checksum != null ? checksum : String.format("%06o", sum) + "\0 ")
              .getBytes(StandardCharsets.ISO_8859_1);
      Arrays.fill(h, 148, 156, (byte) 0);
      System.arraycopy(c, 0, h, 148, Math.min(8, c.length));
      return h;
    }
  }

  /** A USTAR header as Go writes one: mode, ids, size, mtime, magic, owner names. */
  public static Header header(String name, char type, long size) {
    Header h = new Header();
    h.name(name)
        .field(100, 8, octal(type == '5' ? 0755 : 0644, 7))
        .field(108, 8, octal(0, 7))
        .field(116, 8, octal(0, 7))
        .size(size)
        .field(136, 12, octal(1_700_000_000L, 11))
        .type(type)
        .field(257, 8, ("ustar" + "\0" + "00").getBytes(StandardCharsets.ISO_8859_1))
        .field(265, 32, "root".getBytes(StandardCharsets.US_ASCII))
        .field(297, 32, "root".getBytes(StandardCharsets.US_ASCII))
        .field(329, 8, octal(0, 7))
        .field(337, 8, octal(0, 7));
    return h;
  }

  public static RawTar create() {
    return new RawTar();
  }

  /** A header and its data, padded to the block size. */
  public RawTar entry(Header h, byte[] data) {
    out.writeBytes(h.bytes());
    out.writeBytes(data);
    out.writeBytes(new byte[(512 - data.length % 512) % 512]);
    return this;
  }

  public RawTar file(String name, String text) {
    byte[] d = text.getBytes(StandardCharsets.UTF_8);
    return entry(header(name, '0', d.length), d);
  }

  public RawTar dir(String name) {
    return entry(header(name, '5', 0), new byte[0]);
  }

  public RawTar symlink(String name, String target) {
    return entry(header(name, '2', 0).link(target), new byte[0]);
  }

  public RawTar hardlink(String name, String target) {
    return entry(header(name, '1', 0).link(target), new byte[0]);
  }

  /** A PAX 'x' header holding exactly these records (key, value, key, value…), lengths computed. */
  public RawTar pax(String... keyValues) {
    ByteArrayOutputStream r = new ByteArrayOutputStream();
    for (int i = 0; i < keyValues.length; i += 2) {
      r.writeBytes(paxRecord(keyValues[i], keyValues[i + 1]));
    }
    return entry(header("PaxHeaders.0/x", 'x', r.size()), r.toByteArray());
  }

  /** A GNU long name ('L') or long link ('K') header as GNU tar writes it (NUL-terminated). */
  public RawTar gnuLong(char type, String value) {
    byte[] d = (value + "\0").getBytes(StandardCharsets.UTF_8);
    return entry(header("././@LongLink", type, d.length).gnu(), d);
  }

  /** Raw bytes, as they are. */
  public RawTar raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  /** The blocks written so far, without the end-of-archive blocks. */
  public byte[] bytesWithoutEnd() {
    return out.toByteArray();
  }

  /** The stream with its two zero blocks. */
  public byte[] tar() {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(out.toByteArray());
    all.writeBytes(new byte[1024]);
    return all.toByteArray();
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

  /** A PAX record {@code "LEN key=value\n"} with LEN counting the whole record. */
  public static byte[] paxRecord(String key, String value) {
    byte[] body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
    int len = body.length + 1;
    while (String.valueOf(len).length() + body.length != len) {
      len++;
    }
    ByteArrayOutputStream r = new ByteArrayOutputStream();
    r.writeBytes(String.valueOf(len).getBytes(StandardCharsets.US_ASCII));
    r.writeBytes(body);
    return r.toByteArray();
  }

  public static byte[] octal(long v, int digits) {
    return String.format("%0" + digits + "o", v).getBytes(StandardCharsets.US_ASCII);
  }
}
