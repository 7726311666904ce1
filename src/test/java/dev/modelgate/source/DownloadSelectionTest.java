package dev.modelgate.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.testing.SchedulerPods;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * STORAGE_ALLOW_PATTERNS read as KServe's storage-initializer reads it (kserve/kserve at
 * aaac4e294dae2c7b1aa1886447793f3aa1c30912, python/storage/kserve_storage/kserve_storage.py {@code
 * _parse_patterns_from_env}: a JSON array first, else comma-separated; its test {@code
 * test_download_reads_env_patterns} gives both forms), and the files each downloader selects with
 * them (huggingface_hub {@code filter_repo_objects} for hf://, {@code fnmatch} otherwise).
 */
class DownloadSelectionTest {
  static final String TOKENIZER_ONLY = SchedulerPods.TOKENIZER_ONLY;

  @Test
  void readsTheSchedulersTokenizerOnlyValueAndKServesOwnTestValues() {
    assertThat(DownloadSelection.parseKServeValue(TOKENIZER_ONLY))
        .containsExactly(
            "tokenizer.json",
            "tokenizer_config.json",
            "special_tokens_map.json",
            "vocab.json",
            "merges.txt",
            "config.json",
            "generation_config.json");
    assertThat(DownloadSelection.parseKServeValue("[\"*.safetensors\"]"))
        .containsExactly("*.safetensors");
    assertThat(DownloadSelection.parseKServeValue("*.bin,*.gguf"))
        .containsExactly("*.bin", "*.gguf");
  }

  @Test
  void readsStrippingAndDroppingEmptyPatternsAsPythonDoes() {
    assertThat(DownloadSelection.parseKServeValue("  [\" a \", \"\", \"\\u00a0\"]\n"))
        .containsExactly("a");
    assertThat(DownloadSelection.parseKServeValue("\"a,b\"")).containsExactly("a,b");
    assertThat(DownloadSelection.parseKServeValue(" x , ,y,")).containsExactly("x", "y");
    // Not JSON (a trailing comma), so split at commas, as json.loads fails and the fallback runs.
    assertThat(DownloadSelection.parseKServeValue("[\"a\",]")).containsExactly("[\"a\"", "]");
  }

  @Test
  void anEmptyListOrValueRestrictsNothing() {
    // KServe passes no allow_patterns then (`if allow_patterns:`), and downloads everything.
    for (String v : List.of("", "   ", "[]", "[\"\", \"  \"]", ",", "\"\"")) {
      assertThat(DownloadSelection.parseKServeValue(v)).as(v).isEmpty();
    }
  }

  @Test
  void refusesValuesPythonWouldTurnIntoOtherStrings() {
    for (String v :
        List.of(
            "[1]",
            "true",
            "null",
            "{\"a\": \"b\"}",
            "[[\"a\"]]",
            "2.5",
            "NaN",
            "[NaN]",
            "[-Infinity]")) {
      assertThatThrownBy(() -> DownloadSelection.parseKServeValue(v))
          .isInstanceOf(InvalidInputException.class)
          .satisfies(
              e ->
                  assertThat(((InvalidInputException) e).reason())
                      .isEqualTo(Reason.MODEL_SOURCE_UNSUPPORTED))
          .hasMessageContaining("STORAGE_ALLOW_PATTERNS value")
          .hasMessageContaining("cannot be read as the storage-initializer reads it");
    }
  }

  /**
   * JSON Python's {@code json.loads} accepts and ModelGate's strict reader rejects must not fall
   * back to comma splitting: {@code [{"k": 1, "k": 2}, "a"]} is, to the storage-initializer, the
   * patterns {@code "{'k': 2}"} and {@code "a"} (duplicate keys, the last wins; python3 checked),
   * and a number longer than Jackson reads is an int to Python.
   */
  @Test
  void refusesJsonPythonReadsThatTheStrictReaderWouldSplitAtCommas() {
    String longNumber = "[" + "1".repeat(1200) + ", \"a\"]";
    String deep = "[".repeat(1200) + "]".repeat(1200);
    for (String v :
        List.of("[{\"k\": 1, \"k\": 2}, \"a\"]", "{\"k\":1,\"k\":2}", longNumber, deep)) {
      assertThatThrownBy(() -> DownloadSelection.parseKServeValue(v))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("cannot be read as the storage-initializer reads it");
    }
    // A leading byte order mark is no JSON to json.loads ("Unexpected UTF-8 BOM"): split at commas.
    assertThat(DownloadSelection.parseKServeValue("\ufeff[\"a\",\"b\"]"))
        .containsExactly("\ufeff[\"a\"", "\"b\"]");
  }

  @Test
  void refusesAHugePatternList() {
    List<String> many =
        new ArrayList<>(Collections.nCopies(DownloadSelection.MAX_PATTERNS + 1, "\"a\""));
    assertThatThrownBy(() -> DownloadSelection.parseKServeValue("[" + String.join(",", many) + "]"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("513 patterns; at most 512");
    String long1 = "\"" + "x".repeat(DownloadSelection.MAX_CHARS + 1) + "\"";
    assertThatThrownBy(() -> DownloadSelection.parseKServeValue(long1))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(
            e -> assertThat(((InvalidInputException) e).reason()).isEqualTo(Reason.LIMIT_EXCEEDED));
  }

  @Test
  void huggingFaceHubPatternsEndingInSlashSelectTheDirectory() {
    // huggingface_hub _add_wildcard_to_directories and _normalize_separators.
    DownloadSelection hf =
        new DownloadSelection(
            "storage-initializer",
            List.of("tokenizer/", "sub\\*.json"),
            DownloadSelection.Dialect.forSource("hf://org/model"));
    assertThat(hf.dialect()).isEqualTo(DownloadSelection.Dialect.HUGGING_FACE_HUB);
    assertThat(hf.selects("tokenizer/vocab.txt")).isTrue();
    assertThat(hf.selects("sub/config.json")).isTrue();
    assertThat(hf.selects("tokenizer")).isFalse();
    DownloadSelection s3 =
        new DownloadSelection(
            "storage-initializer",
            List.of("tokenizer/"),
            DownloadSelection.Dialect.forSource("s3://bucket/model"));
    assertThat(s3.selects("tokenizer/vocab.txt")).isFalse();
    // fnmatch's * crosses directories: the S3 downloader keeps nested files a *.json selects.
    assertThat(new DownloadSelection("i", List.of("*.json"), s3.dialect()).selects("a/b/c.json"))
        .isTrue();
  }

  @Test
  void includingTheSignatureAddsALiteralPatternOnlyWhenNoneSelectsIt() {
    DownloadSelection s =
        new DownloadSelection(
            "storage-initializer",
            DownloadSelection.parseKServeValue(TOKENIZER_ONLY),
            DownloadSelection.Dialect.HUGGING_FACE_HUB);
    DownloadSelection wider = s.including("model.sig").orElseThrow();
    assertThat(wider.patterns()).endsWith("model.sig").hasSize(8);
    assertThat(wider.including("model.sig")).contains(wider);
    assertThat(DownloadSelection.parseKServeValue(wider.envValue())).isEqualTo(wider.patterns());

    DownloadSelection odd = s.including("sigs/m[1]*.sig").orElseThrow();
    assertThat(odd.patterns()).last().isEqualTo("sigs/m[[]1][*].sig");
    assertThat(odd.selects("sigs/m[1]*.sig")).isTrue();
    assertThat(odd.selects("sigs/m1.sig")).isFalse();
    // A backslash is a separator to huggingface_hub: no pattern names such a file there.
    assertThat(s.including("a\\model.sig")).isEmpty();
  }

  @Test
  void pathTricksInPatternsSelectNothingOfTheModel() {
    DownloadSelection s =
        new DownloadSelection(
            "storage-initializer",
            List.of("../model.sig", "/model.sig", "/etc/passwd", "./config.json"),
            DownloadSelection.Dialect.FNMATCH);
    for (String path : List.of("model.sig", "config.json", "etc/passwd")) {
      assertThat(s.selects(path)).as(path).isFalse();
    }
    assertThat(s.including("model.sig").orElseThrow().patterns()).endsWith("model.sig");
  }
}
