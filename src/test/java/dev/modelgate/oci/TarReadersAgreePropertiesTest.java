package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.testing.GoArchiveTar;
import dev.modelgate.testing.RawTar;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * ModelGate's tar reader against Go's archive/tar (the reader containerd unpacks layers with, run
 * as {@link GoArchiveTar}) on layers generated from a grammar of headers: plain entries of every
 * type, PAX and GNU extended headers in any number and order, empty and odd values, size fields in
 * every encoding Go reads (octal with spaces or NULs around it, base-256), GNU magic with and
 * without its prefix area, bad checksums, trailing slashes and typeflag NUL. The property: what
 * ModelGate accepts, Go reads entry for entry the same (name, type, link, size, bytes). Go may
 * accept more; ModelGate then refuses, which denies. The seed is fixed so CI is reproducible.
 */
class TarReadersAgreePropertiesTest {

  /** One header (with its extended headers) of the grammar. */
  record Piece(
      List<String[]> extended,
      String name,
      char type,
      String link,
      int sizeEncoding,
      boolean gnuMagic,
      String prefix,
      boolean badChecksum,
      String data) {}

  @Provide
  Arbitrary<List<Piece>> layers() {
    Arbitrary<String> names =
        Arbitraries.of(
            "models/model.safetensors",
            "models/",
            "models",
            "models/tokenizer/vocab.txt",
            "foo",
            "foo/",
            "foo/x",
            "model.safetensors",
            "./models/a",
            "",
            "a/" + "n".repeat(120),
            "é/ü");
    Arbitrary<String[]> extended =
        Arbitraries.of(
            new String[] {"x", "path", "models/model.safetensors"},
            new String[] {"x", "path", ""},
            new String[] {"x", "path", "tmp/elsewhere"},
            new String[] {"x", "linkpath", "/models"},
            new String[] {"x", "size", "5"},
            new String[] {"x", "size", ""},
            new String[] {"x", "comment", "any"},
            new String[] {"x", "mtime", "1700000000.5"},
            new String[] {"x", "SCHILY.xattr.user.note", "v"},
            new String[] {"L", "models/model.safetensors"},
            new String[] {"L", ""},
            new String[] {"K", "/models"},
            new String[] {"K", ""});
    Arbitrary<Piece> piece =
        Combinators.combine(
                extended.list().ofMaxSize(3),
                names,
                Arbitraries.of('0', '0', '0', '\0', '5', '2', '1', '7', 'g', '3'),
                Arbitraries.of("", "/models", "models/config.json", "lnk"),
                Arbitraries.integers().between(0, 6),
                Arbitraries.of(false, false, false, true),
                Arbitraries.of("", "", "", "models", "12345670123"),
                Arbitraries.of(false, false, false, false, false, false, false, true))
            .flatAs(
                (ext, name, type, link, enc, gnu, prefix, badSum) ->
                    Arbitraries.of("", "hello", "x".repeat(600))
                        .map(
                            data ->
                                new Piece(ext, name, type, link, enc, gnu, prefix, badSum, data)));
    return piece.list().ofMinSize(1).ofMaxSize(4);
  }

  private static byte[] sizeField(int encoding, long size) {
    String oct = Long.toOctalString(size);
    switch (encoding) {
      case 1:
        return ("   " + oct + " ").getBytes(StandardCharsets.US_ASCII);
      case 2:
        return ("\0" + "0".repeat(10 - oct.length()) + oct + "\0")
            .getBytes(StandardCharsets.US_ASCII);
      case 3:
        {
          byte[] b = new byte[12];
          b[0] = (byte) 0x80;
          b[11] = (byte) size;
          b[10] = (byte) (size >> 8);
          return b;
        }
      case 4:
        return (oct + "\0" + "7").getBytes(StandardCharsets.US_ASCII);
      case 5:
        return ("0".repeat(11 - oct.length()) + oct + " ").getBytes(StandardCharsets.US_ASCII);
      default:
        return RawTar.octal(size, 11);
    }
  }

  private static byte[] build(List<Piece> pieces) {
    RawTar t = RawTar.create();
    for (Piece p : pieces) {
      for (String[] e : p.extended()) {
        if (e[0].equals("x")) {
          t.pax(e[1], e[2]);
        } else {
          t.gnuLong(e[0].charAt(0), e[1]);
        }
      }
      byte[] data = p.data().getBytes(StandardCharsets.UTF_8);
      String name = p.name().getBytes(StandardCharsets.UTF_8).length > 100 ? "long" : p.name();
      RawTar.Header h =
          RawTar.header(name, p.type(), data.length)
              .rawSize(sizeField(p.sizeEncoding(), data.length))
              .link(p.link());
      if (p.gnuMagic()) {
        h.gnu();
      }
      if (!p.prefix().isEmpty()) {
        h.prefix(p.prefix());
      }
      if (p.badChecksum()) {
        h.checksum("0000000\0");
      }
      t.entry(h, data);
    }
    return t.tar();
  }

  @Property(tries = 400, seed = "20261207")
  void whatModelGateAcceptsGoReadsTheSame(@ForAll("layers") List<Piece> pieces) throws Exception {
    byte[] tar = build(pieces);
    GoArchiveTar.Listing go = GoArchiveTar.list(tar);
    Path file = Files.createTempFile("modelgate-prop", ".tar");
    List<TarFiles.Entry> ours;
    try {
      Files.write(file, tar);
      ours = TarFiles.readChangeset(file, false, 1 << 24, Instant.now().plusSeconds(30));
    } catch (InvalidInputException e) {
      Statistics.label("verdict").collect(go.refused() ? "both refuse" : "ModelGate refuses");
      return;
    } finally {
      Files.deleteIfExists(file);
    }
    Statistics.label("verdict").collect("both accept");
    assertThat(go.refused()).as("Go refused what ModelGate accepted: %s", go.error()).isFalse();
    assertThat(describe(ours)).isEqualTo(describeGo(go.entries()));
  }

  static List<String> describe(List<TarFiles.Entry> entries) {
    List<String> out = new ArrayList<>();
    for (TarFiles.Entry e : entries) {
      char type =
          switch (e.type()) {
            case FILE -> '0';
            case DIRECTORY -> '5';
            case SYMLINK -> '2';
            case HARDLINK -> '1';
            case DEVICE -> '3';
            case FIFO -> '6';
          };
      out.add(line(e.name(), type, e.linkName(), e.size(), e.sha256Hex()));
    }
    return out;
  }

  static List<String> describeGo(List<GoArchiveTar.Entry> entries) {
    List<String> out = new ArrayList<>();
    for (GoArchiveTar.Entry e : entries) {
      char type = e.type() == '4' ? '3' : e.type();
      boolean link = type == '1' || type == '2';
      boolean file = type == '0';
      out.add(line(e.name(), type, link ? e.link() : "", file ? e.size() : 0, e.sha256()));
    }
    return out;
  }

  private static String line(String name, char type, String link, long size, String sha) {
    return name + " " + type + " -> " + link + " " + size + " " + sha;
  }
}
