package dev.modelgate.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The verifier of a restricted download must select files exactly as the downloader does: KServe's
 * storage-initializer matches STORAGE_ALLOW_PATTERNS with Python's {@code fnmatch.fnmatch}
 * (python/storage/kserve_storage/kserve_storage.py {@code _should_download}, kserve/kserve at
 * aaac4e294dae2c7b1aa1886447793f3aa1c30912; Python 3.11 in its image), so {@link Fnmatch} is
 * compared with this machine's python3 on generated patterns and names over the characters that
 * have a meaning ({@code * ? [ ] ! - ^ \ /} and set-operation characters), non-ASCII and astral
 * code points, plus hand-picked cases. Skipped with a reason when python3 is absent.
 */
class FnmatchDifferentialTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PATTERN_CHARS = "ab*?[]!-^\\/.&~|Zé😀";
  static final String NAME_CHARS = "ab-/.![]*?\\^zZé😀";

  @BeforeAll
  static void python() {
    Assumptions.assumeTrue(pythonAvailable(), "python3 is not installed");
  }

  static boolean pythonAvailable() {
    try {
      Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs {@code script} with {@code input} as JSON on stdin; its stdout parsed as JSON. */
  static JsonNode python(String script, Object input) throws Exception {
    Process p =
        new ProcessBuilder("python3", "-c", script)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(JSON.writeValueAsBytes(input));
    }
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return JSON.readTree(new String(out, StandardCharsets.UTF_8));
  }

  /** Python's {@code fnmatch.fnmatch(name, pattern)} for each {@code [pattern, name]}. */
  static JsonNode pythonFnmatch(List<List<String>> cases) throws Exception {
    return python(
        "import sys, json, fnmatch\n"
            + "cases = json.loads(sys.stdin.buffer.read().decode('utf-8'))\n"
            + "print(json.dumps([fnmatch.fnmatch(n, p) for p, n in cases]))\n",
        cases);
  }

  static String random(Random r, String alphabet, int maxLength) {
    int[] cps = alphabet.codePoints().toArray();
    StringBuilder b = new StringBuilder();
    int n = r.nextInt(maxLength + 1);
    for (int i = 0; i < n; i++) {
      b.appendCodePoint(cps[r.nextInt(cps.length)]);
    }
    return b.toString();
  }

  @Test
  void matchesAsPythonFnmatchOnGeneratedPatternsAndNames() throws Exception {
    Random r = new Random(20261207L);
    List<List<String>> cases = new ArrayList<>();
    for (String[] c :
        new String[][] {
          {"tokenizer.json", "tokenizer.json"},
          {"*.json", "sub/dir/config.json"},
          {"[z-a]", "a"},
          {"[!z-a]", "q"},
          {"[a-]", "-"},
          {"[]-a]", "^"},
          {"[!]", "!"},
          {"[", "["},
          {"a[", "a["},
          {"[!-a]", "-"},
          {"[a-c-e]", "d"},
          {"[a--]", "-"},
          {"[\\]", "\\"},
          {"[&&a]", "&"},
          {"[^a]", "^"},
          {"[[]", "["},
          {"model[.]sig", "model.sig"},
          {"**", "a/b"},
          {"*a*a*a", "aaaa"},
          {"../model.sig", "model.sig"},
          {"/model.sig", "model.sig"},
          {"[!z-ab]", "b"},
          {"[!z-a-c]", "-"},
          {"[bz-ac]", "z"},
          {"😀?", "😀é"},
        }) {
      cases.add(List.of(c[0], c[1]));
    }
    for (int i = 0; i < 30_000; i++) {
      cases.add(List.of(random(r, PATTERN_CHARS, 9), random(r, NAME_CHARS, 7)));
    }
    JsonNode expected = pythonFnmatch(cases);

    List<String> disagreements = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      String pattern = cases.get(i).get(0);
      String name = cases.get(i).get(1);
      boolean mine = Fnmatch.compile(pattern).matches(name);
      if (mine != expected.get(i).asBoolean()) {
        disagreements.add(pattern + " ~ " + name + ": python " + expected.get(i));
      }
    }
    assertThat(disagreements).isEmpty();
    assertThat(expected.size()).isEqualTo(cases.size());
  }

  @Test
  void literalPatternsSelectExactlyTheirNameAsPythonReadsThem() throws Exception {
    List<List<String>> cases = new ArrayList<>();
    for (String name : List.of("model.sig", "m[1].sig", "sigs/*.sig", "a?b", "[!x]", "é😀")) {
      String p = Fnmatch.literal(name);
      cases.add(List.of(p, name));
      cases.add(List.of(p, name + "x"));
      cases.add(List.of(p, name.replace("[", "")));
    }
    JsonNode expected = pythonFnmatch(cases);

    for (int i = 0; i < cases.size(); i++) {
      String pattern = cases.get(i).get(0);
      String name = cases.get(i).get(1);
      assertThat(Fnmatch.compile(pattern).matches(name))
          .as(pattern + " ~ " + name)
          .isEqualTo(expected.get(i).asBoolean());
      assertThat(expected.get(i).asBoolean())
          .as(pattern + " ~ " + name)
          .isEqualTo(i % 3 == 0 || name.equals(cases.get(i - i % 3).get(1)));
    }
  }

  @Test
  void stripsTheWhitespacePythonStrStripStrips() throws Exception {
    // _parse_patterns_from_env strips the value and each pattern with str.strip().
    List<Integer> spaces = new ArrayList<>();
    for (JsonNode n :
        python(
            "import json\n"
                + "print(json.dumps([c for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF and chr(c).isspace()]))\n",
            List.of())) {
      spaces.add(n.asInt());
    }
    List<Integer> mine = new ArrayList<>();
    for (int c = 0; c < 0x10000; c++) {
      if ((c < 0xD800 || c > 0xDFFF)
          && DownloadSelection.pythonStrip(String.valueOf((char) c)).isEmpty()) {
        mine.add(c);
      }
    }
    assertThat(mine).isEqualTo(spaces);
  }
}
