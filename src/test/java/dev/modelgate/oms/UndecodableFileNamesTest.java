package dev.modelgate.oms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.testing.RawNames;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File names are bytes: a name that is not valid UTF-8, or holds U+FFFD, is refused as PATH_UNSAFE;
 * it never becomes a manifest name shared with another file.
 */
class UndecodableFileNamesTest {
  @TempDir Path tmp;

  private static final byte[] X_FF = {'x', (byte) 0xff};
  private static final byte[] X_FE = {'x', (byte) 0xfe};

  private ModelContents walk(Path dir) {
    return new ModelWalker(IgnoreRules.none(), SymlinkPolicy.REFUSE).walk(dir);
  }

  @Test
  void twoUndecodableNamesAreBothRefusedNotMergedIntoOne() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("m"));
    Files.writeString(dir.resolve("config.json"), "{}");
    RawNames.create(dir, X_FF, "signed");
    RawNames.create(dir, X_FE, "added");

    ModelContents c = walk(dir);

    assertThat(c.files()).extracting(f -> f.path().value()).containsExactly("config.json");
    assertThat(c.failures())
        .hasSize(2)
        .allSatisfy(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.PATH_UNSAFE);
              assertThat(f.message()).contains("not valid UTF-8 or contains U+FFFD");
            });
  }

  @Test
  void aNameHoldingARealReplacementCharacterIsRefused() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("m"));
    RawNames.create(
        dir,
        new byte[] {'x', (byte) 0xef, (byte) 0xbf, (byte) 0xbd},
        "looks like any undecodable x?");

    assertThat(walk(dir).failures())
        .singleElement()
        .extracting(Failure::reason)
        .isEqualTo(Reason.PATH_UNSAFE);
  }

  @Test
  void anUndecodableDirectoryNameIsRefusedWithEverythingBelowIt() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("m"));
    RawNames.create(dir, new byte[] {'d', (byte) 0xc0, (byte) 0x80}, "");
    Files.writeString(dir.resolve("ok.txt"), "ok");

    ModelContents c = walk(dir);

    assertThat(c.files()).extracting(f -> f.path().value()).containsExactly("ok.txt");
    assertThat(c.failures())
        .singleElement()
        .extracting(Failure::reason)
        .isEqualTo(Reason.PATH_UNSAFE);
  }

  @Test
  void nonAsciiUtf8NamesRoundTrip() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("m"));
    RawNames.create(dir, "café.py".getBytes(StandardCharsets.UTF_8), "print(1)");

    ModelContents c = walk(dir);

    assertThat(c.failures()).isEmpty();
    assertThat(c.files())
        .singleElement()
        .satisfies(f -> assertThat(f.path().value()).isEqualTo("café.py"));
  }

  @Test
  void signedNamesWithLoneSurrogatesOrReplacementCharactersAreRefused() {
    for (String bad : new String[] {"a\uFFFD", "a\uD800", "\uDC00b", "x/\uD83D"}) {
      Assertions.assertThatThrownBy(() -> RelativePath.parse(bad))
          .hasFieldOrPropertyWithValue("reason", Reason.PATH_UNSAFE);
    }
    assertThat(RelativePath.parse("emoji-\uD83D\uDE00").value()).isEqualTo("emoji-\uD83D\uDE00");
  }

  @Provide
  Arbitrary<byte[]> fileNameBytes() {
    // Every byte a Linux file name may hold (all but NUL and '/'), weighted towards UTF-8 lead and
    // continuation bytes so that valid multi-byte sequences occur as well as broken ones.
    Arbitrary<Byte> any = Arbitraries.bytes().filter(b -> b != 0 && b != '/');
    Arbitrary<Byte> utf8ish =
        Arbitraries.of(
            (byte) 0x80,
            (byte) 0xbf,
            (byte) 0xbd,
            (byte) 0xc0,
            (byte) 0xc3,
            (byte) 0xa9,
            (byte) 0xe2,
            (byte) 0x82,
            (byte) 0xac,
            (byte) 0xed,
            (byte) 0xa0,
            (byte) 0xef,
            (byte) 0xf0,
            (byte) 0x9f,
            (byte) 0xf4,
            (byte) 0xf8,
            (byte) 'a');
    Arbitrary<byte[]> raw =
        Arbitraries.frequencyOf(Tuple.of(1, any), Tuple.of(2, utf8ish))
            .array(byte[].class)
            .ofMinSize(1)
            .ofMaxSize(12);
    // And names that are valid UTF-8 from the start (any code point but NUL and '/').
    Arbitrary<byte[]> valid =
        Arbitraries.strings()
            .all()
            .excludeChars('\0', '/')
            .ofMinLength(1)
            .ofMaxLength(6)
            .map(str -> str.getBytes(StandardCharsets.UTF_8));
    return Arbitraries.oneOf(raw, valid)
        .filter(b -> b.length <= 255)
        .filter(
            b -> !(b.length == 1 && b[0] == '.') && !(b.length == 2 && b[0] == '.' && b[1] == '.'));
  }

  /** The strict decoding, independent of the code under test: null when the bytes are not UTF-8. */
  private static String strictUtf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  @Property(tries = 150, seed = "20261201")
  void acceptedNamesRoundTripAndTheRestAreRefused(@ForAll("fileNameBytes") byte[] name)
      throws Exception {
    Path dir = Files.createTempDirectory("modelgate-names");
    RawNames.create(dir, name, "content");

    ModelContents c = walk(dir);

    String decoded = strictUtf8(name);
    boolean representable =
        decoded != null && decoded.indexOf('\uFFFD') < 0 && decoded.indexOf('\\') < 0;
    Statistics.collect(representable ? "accepted" : "refused");
    // Both outcomes must be exercised, or the property proves half of what it claims.
    Statistics.coverage(
        cov -> {
          cov.check("accepted").percentage(p -> p > 10);
          cov.check("refused").percentage(p -> p > 10);
        });
    if (representable) {
      assertThat(c.failures()).isEmpty();
      ModelFile f = c.files().get(0);
      assertThat(f.path().value().getBytes(StandardCharsets.UTF_8)).isEqualTo(name);
      // The manifest name leads back to the very file: resolving it opens what was walked.
      assertThat(Files.readString(f.path().resolveIn(c.root()))).isEqualTo("content");
    } else {
      assertThat(c.files()).isEmpty();
      assertThat(c.failures())
          .singleElement()
          .extracting(Failure::reason)
          .isEqualTo(Reason.PATH_UNSAFE);
    }
    // Files.delete, not File.delete: the listed Path keeps the raw bytes, a File's string does not.
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }
}
