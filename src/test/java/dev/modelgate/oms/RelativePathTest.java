package dev.modelgate.oms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelgate.core.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RelativePathTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "a/b",
        ".hidden",
        "dir/.git",
        "x..y",
        "...",
        "a b/c",
        "données/модель.bin",
        "a:1:2",
        "."
      })
  void wellFormedPathsParseAndRoundTrip(String value) {
    assertThat(RelativePath.parse(value).toString()).isEqualTo(value);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/etc/passwd | absolute",
        "../x | contains '..'",
        "a/../../x | contains '..'",
        "a//b | has an empty segment",
        "a/ | has an empty segment",
        "./a | contains '.' segment",
        "a\\b | contains a backslash",
      })
  void unsafePathsAreRejectedWithTheReason(String value, String reason) {
    assertThatThrownBy(() -> RelativePath.parse(value))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void emptyAndNulPathsAreRejected() {
    assertThatThrownBy(() -> RelativePath.parse("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> RelativePath.parse("a\0b")).hasMessageContaining("NUL");
  }

  @Test
  void orderIsComponentWiseLikePythonsPurePosixPath() {
    List<RelativePath> paths =
        new ArrayList<>(
            List.of(
                RelativePath.parse("tokenizer.json"),
                RelativePath.parse("tokenizer/vocab.txt"),
                RelativePath.parse("a")));

    paths.sort(RelativePath.COMPONENT_ORDER);

    assertThat(paths)
        .extracting(RelativePath::value)
        .containsExactly("a", "tokenizer/vocab.txt", "tokenizer.json");
  }

  @Test
  void isWithinIsComponentWiseNotAStringPrefix() {
    assertThat(RelativePath.parse("ignore-me/x").isWithin(RelativePath.parse("ignore-me")))
        .isTrue();
    assertThat(RelativePath.parse("ignore-me-not").isWithin(RelativePath.parse("ignore-me")))
        .isFalse();
  }

  @Test
  void shardNamesParseTheLastTwoColonsSoPathsMayContainColons() {
    ResourceKey k = ResourceKey.parseShard("a:b/c.bin:8:16");

    assertThat(k.path().value()).isEqualTo("a:b/c.bin");
    assertThat(k.start()).isEqualTo(8);
    assertThat(k.end()).isEqualTo(16);
    assertThatThrownBy(() -> ResourceKey.parseShard("c.bin:16:8"))
        .hasMessageContaining("empty or negative range");
    assertThatThrownBy(() -> ResourceKey.parseShard("c.bin:x:8"))
        .hasMessageContaining("bad offset");
    assertThatThrownBy(() -> ResourceKey.parseShard("c.bin:00:8"))
        .as("leading zero")
        .hasMessageContaining("bad offset");
    assertThatThrownBy(() -> ResourceKey.parseShard("c.bin:0:\u0668"))
        .as("Arabic-Indic eight")
        .hasMessageContaining("bad offset");
    assertThat(ResourceKey.parseShard("c.bin:0:8").name()).isEqualTo("c.bin:0:8");
  }
}
