package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.testing.GoArchiveTar;
import dev.modelgate.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tar writers modelcar layers really come from stay inside the subset ModelGate reads, and
 * ModelGate reads their archives entry for entry as Go's archive/tar does: GNU tar in its gnu and
 * posix formats, and Python's tarfile as olot writes modelcar layers (GNU_FORMAT, arcname {@code
 * /models/<name>}, uid and gid 0, modes 0664/0775: containers/olot olot/utils/files.py
 * tarball_from_file, commit 0114b001d81b45919c24e638455dadb2fbd425a7) and in its PAX format. Names
 * longer than 100 bytes and a link target longer than 100 bytes force the long-name headers of each
 * format.
 */
class HonestTarWritersTest {
  @TempDir Path tmp;
  Path model;

  @BeforeEach
  void setUp() throws Exception {
    GoArchiveTar.binaryOrSkip();
    model = TestModels.sample(tmp, "model");
    String longName = "weights-" + "0123456789".repeat(12) + ".safetensors";
    TestModels.write(model.resolve("shards/" + longName), "shard");
    Files.createSymbolicLink(
        model.resolve("shards/latest"), Path.of("../" + "t".repeat(110) + "/x"));
    Files.createLink(
        model.resolve("shards/again.safetensors"), model.resolve("shards/" + longName));
  }

  private static void run(Path dir, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd)).isZero();
  }

  private void assertReadAlike(Path tar) throws Exception {
    List<TarFiles.Entry> ours =
        TarFiles.readChangeset(tar, false, 1 << 26, Instant.now().plusSeconds(30));
    GoArchiveTar.Listing go = GoArchiveTar.list(Files.readAllBytes(tar));

    assertThat(go.refused()).as(go.error()).isFalse();
    assertThat(TarReadersAgreePropertiesTest.describe(ours))
        .isEqualTo(TarReadersAgreePropertiesTest.describeGo(go.entries()))
        .anyMatch(l -> l.contains("weights-0123456789"))
        .anyMatch(l -> l.contains(" 2 -> ") && l.contains("tttt"));
  }

  @Test
  void gnuTarInGnuAndPosixFormatsIsReadAsGoReadsIt() throws Exception {
    for (String format : List.of("gnu", "posix")) {
      Path tar = tmp.resolve(format + ".tar");
      run(
          model,
          "tar",
          "--format=" + format,
          "--transform=s,^\\.,models,",
          "-cf",
          tar.toString(),
          ".");
      assertReadAlike(tar);
    }
  }

  @Test
  void pythonTarfileAsOlotWritesModelcarLayersIsReadAsGoReadsIt() throws Exception {
    Assumptions.assumeTrue(
        new ProcessBuilder("python3", "--version").start().waitFor() == 0,
        "python3 is not installed");
    for (String format : List.of("GNU_FORMAT", "PAX_FORMAT")) {
      Path tar = tmp.resolve(format + ".tar");
      List<String> cmd = new ArrayList<>(List.of("python3", "-c"));
      cmd.add(
          String.join(
              "\n",
              "import sys, tarfile",
              "def f(i):",
              "    i.uid = 0",
              "    i.gid = 0",
              "    i.mode = 0o775 if i.isdir() else 0o664",
              "    return i",
              "with tarfile.open(sys.argv[1], 'w', format=tarfile." + format + ") as t:",
              "    t.add(sys.argv[2], arcname='/models/model', filter=f)"));
      cmd.add(tar.toString());
      cmd.add(model.toString());
      run(tmp, cmd.toArray(new String[0]));
      assertReadAlike(tar);
    }
  }
}
