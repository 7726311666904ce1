package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.testing.RawTar;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-built archives for the tar features GNU tar will not write on demand. */
class TarFilesTest {
  @TempDir Path tmp;

  /** A valid USTAR header (checksum, magic) as Go's archive/tar writes it. */
  private static byte[] header(String name, long size, char type) {
    return RawTar.header(name, type, size).bytes();
  }

  private static void entry(ByteArrayOutputStream out, byte[] header, byte[] data) {
    out.writeBytes(header);
    out.writeBytes(data);
    out.writeBytes(new byte[(512 - data.length % 512) % 512]);
  }

  private static byte[] pax(String key, String value) {
    String body = key + "=" + value + "\n";
    int len = body.length() + 3;
    return (len + " " + body).getBytes(StandardCharsets.UTF_8);
  }

  private Path archive(ByteArrayOutputStream out) throws Exception {
    out.writeBytes(new byte[1024]);
    return Files.write(tmp.resolve("a.tar"), out.toByteArray());
  }

  @Test
  void paxSizeOverridesTheHeaderSizeAsGoArchiveTarDoes() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] records = pax("size", "5");
    entry(out, header("PaxHeaders/x", records.length, 'x'), records);
    entry(out, header("x", 0, '0'), "hello".getBytes(StandardCharsets.UTF_8));

    var entries = TarFiles.read(archive(out), false, 1 << 20, Instant.now().plusSeconds(10));

    assertThat(entries)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.size()).isEqualTo(5);
              assertThat(e.sha256Hex())
                  .isEqualTo(
                      HexFormat.of()
                          .formatHex(
                              MessageDigest.getInstance("SHA-256")
                                  .digest("hello".getBytes(StandardCharsets.UTF_8))));
            });
  }

  @Test
  void paxSparseFileIsRefused() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] records = pax("GNU.sparse.major", "1");
    entry(out, header("PaxHeaders/x", records.length, 'x'), records);
    entry(out, header("x", 5, '0'), "hello".getBytes(StandardCharsets.UTF_8));
    Path a = archive(out);

    assertThatThrownBy(() -> TarFiles.read(a, false, 1 << 20, Instant.now().plusSeconds(10)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("sparse file");
  }

  @Test
  void smallGzipThatUnpacksPastTheLimitIsStopped() throws Exception {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    entry(tar, header("zeros", 8 << 20, '0'), new byte[8 << 20]);
    tar.writeBytes(new byte[1024]);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
      g.write(tar.toByteArray());
    }
    Path a = Files.write(tmp.resolve("bomb.tgz"), gz.toByteArray());

    assertThat(gz.size()).isLessThan(1 << 20);
    assertThatThrownBy(() -> TarFiles.read(a, true, 1 << 20, Instant.now().plusSeconds(10)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("unpacks to more than 1048576 bytes");
  }

  @Test
  void directoryHeaderWithASizeHidesNoEntriesAsGoArchiveTarReadsIt() throws Exception {
    // Go's archive/tar reads no data after a directory, link, device or FIFO header whatever its
    // size says (isHeaderOnlyType, src/archive/tar/common.go): the entry "inside" is a real entry.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header("models/", 1024, '5'));
    entry(out, header("models/hidden.py", 5, '0'), "evil\n".getBytes(StandardCharsets.UTF_8));
    Path a = archive(out);

    var entries = TarFiles.readChangeset(a, false, 1 << 20, Instant.now().plusSeconds(10));

    assertThat(entries)
        .extracting(TarFiles.Entry::name)
        .containsExactly("models/", "models/hidden.py");
    assertThat(TarFiles.read(a, false, 1 << 20, Instant.now().plusSeconds(10)))
        .extracting(TarFiles.Entry::name)
        .containsExactly("models/hidden.py");
  }

  @Test
  void changesetListsLinksWithTheirTargetsIncludingGnuLongLinkNames() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(RawTar.header("lib64", '2', 0).link("lib").bytes());
    String longTarget = "usr/" + "x".repeat(150);
    byte[] name = (longTarget + "\0").getBytes(StandardCharsets.UTF_8);
    entry(out, RawTar.header("././@LongLink", 'K', name.length).gnu().bytes(), name);
    out.writeBytes(header("bin/sh", 0, '1'));
    Path a = archive(out);

    var entries = TarFiles.readChangeset(a, false, 1 << 20, Instant.now().plusSeconds(10));

    assertThat(entries)
        .extracting(TarFiles.Entry::type, TarFiles.Entry::linkName)
        .containsExactly(
            Tuple.tuple(TarFiles.Type.SYMLINK, "lib"),
            Tuple.tuple(TarFiles.Type.HARDLINK, longTarget));
    assertThatThrownBy(() -> TarFiles.read(a, false, 1 << 20, Instant.now().plusSeconds(10)))
        .hasMessageContaining("'lib64' is a symbolic link");
  }

  /** A PAX record of exactly {@code key=value\n} with its length prefix computed. */
  private static byte[] paxRecord(String key, String value) {
    byte[] body = (key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
    int len = body.length + 2;
    while (String.valueOf(len).length() + 1 + body.length != len) {
      len++;
    }
    return (len + " " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void paxValueHoldingANewlineIsReadByLengthAsGoArchiveTarReadsIt() throws Exception {
    // Go (containerd) reads two records: path=models/model.safetensors, and a comment whose value
    // holds "\n12 path=tmp/x". Reading by line would see a third record and put the file at tmp/x.
    ByteArrayOutputStream records = new ByteArrayOutputStream();
    records.writeBytes(paxRecord("path", "models/model.safetensors"));
    records.writeBytes(
        paxRecord(
            "comment",
            "\n" + new String(paxRecord("path", "tmp/x"), StandardCharsets.UTF_8).strip()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    entry(out, header("PaxHeaders/x", records.size(), 'x'), records.toByteArray());
    entry(out, header("placeholder", 5, '0'), "evil!".getBytes(StandardCharsets.UTF_8));

    var entries = TarFiles.read(archive(out), false, 1 << 20, Instant.now().plusSeconds(10));

    assertThat(entries)
        .singleElement()
        .satisfies(e -> assertThat(e.name()).isEqualTo("models/model.safetensors"));
  }

  @Test
  void paxRecordWhoseLengthDoesNotEndAtANewlineIsRefused() throws Exception {
    byte[] records = "99 path=models/x\n".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    entry(out, header("PaxHeaders/x", records.length, 'x'), records);
    entry(out, header("x", 1, '0'), "x".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(
            () -> TarFiles.read(archive(out), false, 1 << 20, Instant.now().plusSeconds(10)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("malformed PAX record");
  }

  @Test
  void paxPathHoldingANewlineIsRefused() throws Exception {
    byte[] records = paxRecord("path", "models/a\nb");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    entry(out, header("PaxHeaders/x", records.length, 'x'), records);
    entry(out, header("x", 1, '0'), "x".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(
            () -> TarFiles.read(archive(out), false, 1 << 20, Instant.now().plusSeconds(10)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("NUL or newline");
  }

  @Test
  void gnuLongNameEndsAtItsFirstNulAsGoArchiveTarReadsIt() throws Exception {
    byte[] longName = "models/model.safetensors\0x".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    entry(out, RawTar.header("././@LongLink", 'L', longName.length).gnu().bytes(), longName);
    entry(out, header("placeholder", 5, '0'), "evil!".getBytes(StandardCharsets.UTF_8));

    var entries = TarFiles.read(archive(out), false, 1 << 20, Instant.now().plusSeconds(10));

    assertThat(entries)
        .singleElement()
        .satisfies(e -> assertThat(e.name()).isEqualTo("models/model.safetensors"));
  }

  private static String refusal(RawTar t) throws Exception {
    Path a = Files.createTempFile("modelgate-tarfiles", ".tar");
    try {
      Files.write(a, t.tar());
      TarFiles.readChangeset(a, false, 1 << 20, Instant.now().plusSeconds(10));
      return "accepted";
    } catch (InvalidInputException e) {
      return e.reason() + ": " + e.getMessage();
    } finally {
      Files.deleteIfExists(a);
    }
  }

  private static RawTar.Header file(String name, int size) {
    return RawTar.header(name, '0', size);
  }

  @Test
  void headersOutsideThePlainSubsetAreRefusedNamingTheEntry() throws Exception {
    byte[] x = "x".getBytes(StandardCharsets.UTF_8);
    Map<String, RawTar> cases = new LinkedHashMap<>();
    cases.put("header checksum of 0", RawTar.create().entry(file("a", 1).checksum("0000000\0"), x));
    cases.put(
        "size field that is not plain octal: '\\x00000000",
        RawTar.create()
            .entry(
                file("a", 1).rawSize("\0000000000001".getBytes(StandardCharsets.ISO_8859_1)), x));
    cases.put(
        "size field that is not plain octal: '1\\x00",
        RawTar.create()
            .entry(file("a", 1).rawSize("1\0 7".getBytes(StandardCharsets.ISO_8859_1)), x));
    cases.put(
        "negative base-256 size",
        RawTar.create()
            .entry(
                file("a", 1).rawSize(new byte[] {(byte) 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}),
                x));
    cases.put(
        "bytes after the ustar prefix field (a star header)",
        RawTar.create()
            .entry(file("a", 1).field(508, 4, "tar\0".getBytes(StandardCharsets.US_ASCII)), x));
    cases.put(
        "neither POSIX ustar nor GNU tar",
        RawTar.create().entry(file("a", 1).field(257, 8, new byte[8]), x));
    cases.put(
        "two GNU long names",
        RawTar.create().gnuLong('L', "a").gnuLong('L', "b").entry(file("c", 1), x));
    cases.put(
        "empty GNU long link",
        RawTar.create().gnuLong('K', "").entry(RawTar.header("c", '2', 0).link("d"), new byte[0]));
    cases.put(
        "PAX record 'mtime' twice",
        RawTar.create().raw(new byte[0]).pax("mtime", "1", "mtime", "2").entry(file("c", 1), x));
    cases.put(
        "PAX size that is not a decimal number: '+1'",
        RawTar.create().pax("size", "+1").entry(file("c", 1), x));
    cases.put(
        "PAX mtime that is not a decimal time: '.5'",
        RawTar.create().pax("mtime", ".5").entry(file("c", 1), x));
    cases.put(
        "extended attribute 'user.overlay.redirect'",
        RawTar.create().pax("SCHILY.xattr.user.overlay.redirect", "/x").dir("models/"));
    cases.put(
        "typeflag 'g'",
        RawTar.create().pax("comment", "g").entry(RawTar.header("g", 'g', 0), new byte[0]));
    cases.put("typeflag '7'", RawTar.create().entry(RawTar.header("c", '7', 1), x));
    cases.put(
        "regular file whose name ends in '/' (typeflag '0')",
        RawTar.create().entry(file("c/", 1), x));
    cases.put(
        "name that is not UTF-8",
        RawTar.create().entry(file("a", 1).field(0, 100, new byte[] {'a', (byte) 0xff}), x));
    cases.put("empty link target of 's'", RawTar.create().symlink("s", ""));
    cases.put("empty name", RawTar.create().entry(file("", 1), x));
    cases.put(
        "zero block followed by something other than a zero block",
        RawTar.create().entry(file("a", 1), x).raw(new byte[512]).entry(file("b", 1), x));
    cases.put("extended header with no entry after it", RawTar.create().pax("path", "models/a"));

    for (Map.Entry<String, RawTar> c : cases.entrySet()) {
      assertThat(refusal(c.getValue()))
          .as(c.getKey())
          .startsWith("LAYER_UNSUPPORTED: archive header ")
          .contains(c.getKey());
    }
  }

  @Test
  void plainVariantsGoReadsAlikeAreAccepted() throws Exception {
    byte[] x = "x".getBytes(StandardCharsets.UTF_8);
    byte[] base256 = new byte[12];
    base256[0] = (byte) 0x80;
    base256[11] = 1;
    RawTar t =
        RawTar.create()
            .entry(file("spaces", 1).rawSize("   1 \0".getBytes(StandardCharsets.US_ASCII)), x)
            .entry(file("binary", 1).rawSize(base256), x)
            .entry(file("empty-size", 0).rawSize(new byte[12]), new byte[0])
            .entry(RawTar.header("old", '\0', 1), x)
            .entry(file("name", 1).prefix("models/deep"), x)
            .entry(RawTar.header("gnu", '0', 1).gnu(), x)
            .pax("path", "models/p", "mtime", "1700000000.25", "SCHILY.xattr.user.note", "v")
            .entry(file("ignored", 1), x);

    assertThat(refusal(t)).isEqualTo("accepted");
  }
}
