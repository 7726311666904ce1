package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Failure;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.testing.ApplyLayersMain;
import dev.modelgate.testing.ContainerImage;
import dev.modelgate.testing.ContainerImage.Layer;
import dev.modelgate.testing.ImageLayer;
import dev.modelgate.testing.RawTar;
import dev.modelgate.testing.SignedModel;
import dev.modelgate.testing.TestRegistry;
import dev.modelgate.trust.KeyVerifier;
import dev.modelgate.trust.PemReader;
import dev.modelgate.verify.ModelVerifier;
import dev.modelgate.verify.OciModelVerifier;
import dev.modelgate.verify.VerificationPolicy;
import dev.modelgate.verify.VerificationResult;
import dev.modelgate.verify.VerifyOptions;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layer of issue 22 that took {@code serve} past the chart's 256 MiB heap: a 400 KB tar+gzip
 * holding 24 entries of 16 MiB, every one named {@code models/model.sig}, whose bytes were all
 * kept. Now one layer keeps at most one such entry (a second one refuses the layer) and a later
 * layer's copy releases the earlier one first, checked in a JVM with a 64 MiB heap, where keeping
 * them all (384 MiB) would end in an OutOfMemoryError.
 */
class LayerMemoryBoundsTest {
  static final int SIXTEEN_MIB = 16 << 20;
  @TempDir Path tmp;

  /**
   * Writes a tar+gzip of {@code count} entries of {@code size} zero bytes named {@code
   * models/model.sig}, streaming (never the whole tar in memory); returns its diff id.
   */
  private static String signatureLayer(Path file, int count, int size) throws Exception {
    MessageDigest diff = MessageDigest.getInstance("SHA-256");
    try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16);
        OutputStream tar = new DigestOutputStream(gz, diff)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < count; i++) {
        tar.write(RawTar.header("models/model.sig", '0', size).bytes());
        for (int left = size; left > 0; left -= zeros.length) {
          tar.write(zeros, 0, Math.min(left, zeros.length));
        }
        tar.write(new byte[(512 - size % 512) % 512]);
      }
      tar.write(new byte[1024]);
    }
    return "sha256:" + HexFormat.of().formatHex(diff.digest());
  }

  private static String applyWithASmallHeap(List<Path> layers) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                ApplyLayersMain.class.getName()));
    layers.forEach(l -> cmd.add(l.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.strip();
  }

  @Test
  void twentyFourSignatureEntriesInOneLayerAreRefusedWithinA64MiBHeap() throws Exception {
    Path layer = tmp.resolve("sigs.tgz");
    signatureLayer(layer, 24, SIXTEEN_MIB);

    assertThat(Files.size(layer)).isLessThan(1 << 20);
    assertThat(applyWithASmallHeap(List.of(layer)))
        .startsWith("REFUSED LAYER_UNSUPPORTED")
        .contains("holds 'models/model.sig' after 'models/model.sig'");
  }

  @Test
  void oneSignatureEntryInEachOfTwentyFourLayersKeepsOneAtATimeWithinA64MiBHeap() throws Exception {
    List<Path> layers = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      Path l = tmp.resolve("sig" + i + ".tgz");
      signatureLayer(l, 1, SIXTEEN_MIB);
      layers.add(l);
    }

    assertThat(applyWithASmallHeap(layers)).isEqualTo("APPLIED 1 " + SIXTEEN_MIB);
  }

  @Test
  void modelcarWithTheLayerIsDeniedWithItsReasonNotAnInternalError() throws Exception {
    TestRegistry registry = TestRegistry.startOrSkip(Files.createDirectories(tmp.resolve("reg")));
    try {
      SignedModel signed = SignedModel.create(Files.createDirectories(tmp.resolve("m")));
      Path sigs = tmp.resolve("sigs.tgz");
      String diffId = signatureLayer(sigs, 24, SIXTEEN_MIB);
      String ref = registry.host + "/models/sig-flood:v1";
      ContainerImage.push(
              ref,
              List.of(
                  Layer.gzip(ContainerImage.busyboxBase().tar()),
                  Layer.gzip(ImageLayer.create().copy(signed.model, "models").tar()),
                  new Layer(Files.readAllBytes(sigs), MediaTypes.OCI_LAYER_GZIP, diffId)))
          .attachSignature(signed.signature);

      VerificationResult r =
          new OciModelVerifier(
                  new RegistryClient(RegistryCredentials.NONE, Set.of()),
                  new ModelVerifier(ModelHasher.allCores()))
              .verify(
                  OciReference.parse(ref),
                  VerificationPolicy.single(
                      new KeyVerifier(PemReader.publicKey(signed.publicKey)),
                      new VerifyOptions(List.of(), false, false, true, 1L << 30)),
                  Instant.now().plusSeconds(60));

      assertThat(r.verified()).isFalse();
      assertThat(r.failures().stream().map(Failure::toString).collect(Collectors.joining("\n")))
          .contains("LAYER_UNSUPPORTED: layer 2 (sha256:")
          .contains("holds 'models/model.sig' after 'models/model.sig'");
    } finally {
      registry.close();
    }
  }
}
