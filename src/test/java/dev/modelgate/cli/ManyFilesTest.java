package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.testing.Cli;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models with very many files: verify stays within the injected verifier's heap and reports a
 * bounded list, and sign never writes a bundle that verify refuses. Sizes are scaled for a test;
 * docs/BENCHMARKS.md records the full-size runs (300,000 files under -Xmx128m).
 */
class ManyFilesTest {
  @TempDir Path tmp;

  private static void emptyFiles(Path dir, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      Path sub = dir.resolve(String.format("d%03d", i / 1000));
      if (i % 1000 == 0) {
        Files.createDirectories(sub);
      }
      Files.createFile(sub.resolve(String.format("f%06d.txt", i)));
    }
  }

  @Test
  void manyUnsignedEmptyFilesFailCleanlyInASmallHeap() throws Exception {
    SignedModel signed = SignedModel.create(tmp);
    emptyFiles(signed.model.resolve("stray"), 100_000);
    // 100,000 files in half the injected verifier's default heap (128 MiB, a quarter of its
    // 512 Mi limit); BENCHMARKS.md has 300,000 in 128 MiB.
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.modelgate.cli.Main",
                "verify",
                signed.model.toString(),
                "--public-key",
                signed.publicKey.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(out).isEqualTo(1);
    assertThat(out)
        .doesNotContain("OutOfMemoryError")
        .doesNotContain("Exception")
        .contains("and 81 more");
    assertThat(out.lines().count()).as(out).isLessThan(150);
  }

  @Test
  void signRefusesBeforeSigningAModelWhoseBundleVerifyWouldRefuse() throws Exception {
    Path model = Files.createDirectories(tmp.resolve("m"));
    emptyFiles(model, 100_000);
    Path key = TestKeys.writePem(tmp.resolve("k.pem"), TestKeys.ec("secp256r1").getPrivate());

    Cli.Result r = Cli.run("sign", model, "--private-key", key);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "(100000 manifest entries), more than the 16777216 bytes verify reads; nothing was signed");
    assertThat(model.resolve("model.sig")).doesNotExist();
  }
}
