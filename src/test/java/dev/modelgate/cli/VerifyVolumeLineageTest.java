package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Reason;
import dev.modelgate.inpod.VerifierOutcome;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.DerivedModels;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The injected verifier follows lineage and applies onError with the webhook's decision: a base
 * model that does not answer is waived by {@code onError: Allow} (the pod starts) and denied
 * otherwise, and a {@code file://} base, which would be read from the verifier's own file system,
 * is refused with its reason.
 */
class VerifyVolumeLineageTest {
  @TempDir Path tmp;
  Path releaseKey;
  Path releasePub;
  Path vendorPub;
  Path base;
  Path tuned;

  @BeforeEach
  void setUp() {
    KeyPair release = TestKeys.ec("secp256r1");
    KeyPair vendor = TestKeys.ec("secp256r1");
    releaseKey = TestKeys.writePem(tmp.resolve("release.key"), release.getPrivate());
    releasePub = TestKeys.writePem(tmp.resolve("release.pub"), release.getPublic());
    vendorPub = TestKeys.writePem(tmp.resolve("vendor.pub"), vendor.getPublic());
    Path vendorKey = TestKeys.writePem(tmp.resolve("vendor.key"), vendor.getPrivate());
    base = DerivedModels.signed(tmp, "base", "base weights", vendorKey);
    tuned = DerivedModels.signed(tmp, "tuned", "tuned weights", releaseKey);
  }

  private void derivedFrom(String baseUri) {
    DerivedModels.derivedFrom(tuned, releaseKey, baseUri, DerivedModels.digestHex(base));
  }

  private Path policies(String onError) throws Exception {
    String release = Files.readString(releasePub).strip().replace("\n", "\n          ");
    String vendor = Files.readString(vendorPub).strip().replace("\n", "\n          ");
    return TestModels.write(
            tmp.resolve("policies/lineage.yaml"),
            "apiVersion: modelgate.dev/v1alpha1\nkind: ClusterModelPolicy\nmetadata:\n  name: lineage\nspec:\n"
                + "  mode: Enforce\n  onError: "
                + onError
                + "\n  match:\n    models: [\"pvc://**\"]\n  authorities:\n"
                + "    - name: release\n      key:\n        publicKey: |\n          "
                + release
                + "\n    - name: vendor\n      key:\n        publicKey: |\n          "
                + vendor
                + "\n  lineage: {maxDepth: 1, authorities: [vendor]}\n")
        .getParent();
  }

  private Cli.Result verifyVolume(Path policies) {
    return Cli.run(
        "verify-volume",
        tuned,
        "--model-uri",
        "pvc://models/tuned",
        "--model-name",
        "tuned",
        "--policies",
        policies,
        "--termination-log",
        tmp.resolve("termination-log"),
        "--timeout",
        "30s");
  }

  private VerifierOutcome.Result recorded() throws Exception {
    return VerifierOutcome.parse(Files.readString(tmp.resolve("termination-log"))).results().get(0);
  }

  @Test
  void unreachableBaseIsWaivedByOnErrorAllowAsTheWebhookWaivesIt() throws Exception {
    // Port 9 (discard) on loopback: nothing listens.
    derivedFrom("oci://127.0.0.1:9/models/base:1");

    Cli.Result r = verifyVolume(policies("Allow"));

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err()).contains("(onError Allow, not blocking)");
    assertThat(recorded().passed()).isFalse();
    assertThat(recorded().reason()).contains(Reason.UNAVAILABLE);
  }

  @Test
  void unreachableBaseFailsThePodUnderOnErrorDeny() throws Exception {
    derivedFrom("oci://127.0.0.1:9/models/base:1");

    Cli.Result r = verifyVolume(policies("Deny"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(recorded().reason()).contains(Reason.UNAVAILABLE);
  }

  @Test
  void fileBaseIsRefusedInThePod() throws Exception {
    derivedFrom("file://" + base);

    Cli.Result r = verifyVolume(policies("Allow"));

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(recorded().reason()).contains(Reason.LINEAGE_INVALID);
    assertThat(Files.readString(tmp.resolve("termination-log")))
        .contains("base model file://" + base)
        .contains("read only by a webhook in embedded mode");
  }
}
