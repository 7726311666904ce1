package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.testing.Cli;
import dev.modelgate.testing.RawNames;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names that do not decode, the locale the JVM starts under, and the deadline: through the real
 * commands, with file names made from raw bytes.
 */
class HostileFileNamesTest {
  @TempDir Path tmp;

  private static final byte[] X_FF = {'x', (byte) 0xff};
  private static final byte[] X_FE = {'x', (byte) 0xfe};

  @Test
  void anUndecodableNameAddedBesideASignedOneFailsVerification() throws Exception {
    SignedModel signed = SignedModel.create(tmp);
    RawNames.create(signed.model, X_FE, "added, any content");

    Cli.Result r = signed.verify();

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("PATH_UNSAFE").contains("not valid UTF-8 or contains U+FFFD");
  }

  @Test
  void signRefusesAModelWithAnUndecodableName() throws Exception {
    Path model = TestModels.sample(tmp, "m");
    RawNames.create(model, X_FF, "weights");
    Path key = TestKeys.writePem(tmp.resolve("k.pem"), TestKeys.ec("secp256r1").getPrivate());

    Cli.Result r = Cli.run("sign", model, "--private-key", key);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err())
        .contains("file name refused: unsafe path 'x\uFFFD': is not valid UTF-8")
        .doesNotContain("Exception");
    assertThat(model.resolve("model.sig")).doesNotExist();
  }

  @Test
  void digestRefusesAModelWithAnUndecodableName() throws Exception {
    Path model = TestModels.sample(tmp, "m");
    RawNames.create(model, X_FE, "weights");

    Cli.Result r = Cli.run("digest", model);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("not valid UTF-8");
  }

  @Test
  void verifyAnswersWithinItsTimeoutWithExit3() throws Exception {
    Path model = Files.createDirectories(tmp.resolve("big"));
    try (RandomAccessFile f = new RandomAccessFile(model.resolve("weights.bin").toFile(), "rw")) {
      f.setLength(768L << 20);
    }
    SignedModel signed = SignedModel.signExisting(tmp, model);

    long start = System.nanoTime();
    Cli.Result r = signed.verify("--timeout", "50ms", "--threads", "1");
    long tookMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.err())
        .contains("UNAVAILABLE: verification did not finish within the timeout of 50 ms");
    assertThat(tookMs).as("answered long before hashing 768 MiB would end").isLessThan(30_000);
  }

  @Test
  void aTimeoutThatIsNotADurationIsBadUsage() {
    Cli.Result r =
        Cli.run("verify", tmp, "--public-key", tmp.resolve("k.pub"), "--timeout", "soon");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("'soon' is not a timeout");
  }

  private static Process java(Map<String, String> env, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.modelgate.cli.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG"));
    pb.environment().putAll(env);
    return pb.start();
  }

  @Test
  void refusesToStartWhenLangNamesAUtf8LocaleTheHostLacks() throws Exception {
    // The common SSH/container set-up: LANG says UTF-8, but the locale is not installed, so the
    // JVM falls back to ASCII file names. -Dsun.jnu.encoding cannot fix that on JDK 17.
    Process p = java(Map.of("LANG", "xx_NOWHERE.UTF-8"), "--version");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(out).isEqualTo(2);
    assertThat(out.strip().lines())
        .singleElement()
        .asString()
        .startsWith(
            "modelgate: cannot start: this JVM decodes file names as ANSI_X3.4-1968, not UTF-8")
        .endsWith("run with LC_ALL=C.UTF-8");
  }

  @Test
  void theLauncherRunsJavaUnderCUtf8WhateverLocaleTheCallerNames() throws Exception {
    // The real launcher script, beside a stand-in jar (so it does not build) and a `java` that
    // reports the locale it was started with.
    Path home = Files.createDirectories(tmp.resolve("clone"));
    Files.copy(Path.of("modelgate"), home.resolve("modelgate"));
    Path jar = home.resolve("target/quarkus-app/app/modelgate-0.1.0-SNAPSHOT.jar");
    Files.createDirectories(jar.getParent());
    Files.write(jar, new byte[0]);
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path fakeJava = bin.resolve("java");
    Files.writeString(fakeJava, "#!/bin/sh\necho \"LC_ALL=$LC_ALL LANG=$LANG\"\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));

    ProcessBuilder pb =
        new ProcessBuilder("/bin/bash", home.resolve("modelgate").toString(), "--version")
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("PATH", bin + ":/usr/bin:/bin");
    pb.environment().put("LANG", "xx_NOWHERE.UTF-8");
    pb.environment().put("LC_ALL", "xx_NOWHERE.UTF-8");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(out.strip()).isEqualTo("LC_ALL=C.UTF-8 LANG=xx_NOWHERE.UTF-8");
  }

  @Test
  void underTheLaunchersLocaleAChildJvmDecodesNamesAsUtf8() throws Exception {
    Path model = Files.createDirectories(tmp.resolve("m"));
    RawNames.create(model, "café.py".getBytes(StandardCharsets.UTF_8), "print(1)");

    Process p =
        java(Map.of("LANG", "xx_NOWHERE.UTF-8", "LC_ALL", "C.UTF-8"), "digest", model.toString());
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(out).isZero();
  }

  @Test
  void controlCharactersInAFileNameArePrintedEscapedNeverRaw() throws Exception {
    SignedModel signed = SignedModel.create(tmp);
    // A carriage return and an ANSI colour sequence: raw, a terminal would show a green "Verified".
    RawNames.create(
        signed.model,
        "x\r\u001b[32mVerified model\u001b[0m".getBytes(StandardCharsets.UTF_8),
        "payload");

    Cli.Result r = signed.verify();

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .contains(
            "UNSIGNED_FILE: file 'x\\x0d\\x1b[32mVerified model\\x1b[0m' is not covered by the signature");
    assertThat(r.err()).doesNotContain("\u001b").doesNotContain("\r");
  }

  @Test
  void aSignatureThatIsNotJsonIsNeverEchoed() throws Exception {
    SignedModel signed = SignedModel.create(tmp);
    Path secret =
        Files.writeString(tmp.resolve("shadow"), "root:$6$secret-hash:19000:0:99999:7:::\n");
    Files.delete(signed.signature);
    Files.createSymbolicLink(signed.signature, secret);

    Cli.Result r = signed.verify();

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err())
        .contains("BUNDLE_MALFORMED: signature bundle is not valid JSON at line 1, column")
        .contains("(content not shown)")
        .doesNotContain("root")
        .doesNotContain("secret");
  }
}
