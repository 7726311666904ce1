package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.testing.BundlePayload;
import dev.modelgate.testing.Cli;
import dev.modelgate.testing.Fixtures;
import dev.modelgate.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * model_signing's command lines that mean something only in a given current directory: {@code .}
 * inside the model, {@code ..} from a subdirectory, relative ignore paths and signature paths, and
 * the {@code model.sig} default. Each runs {@code modelgate} in its own JVM there. Command lines
 * from scripts/tests/test-sign-verify.sh and test-verify-v1.0.1-sigstore.sh,
 * sigstore/model-transparency @ e3430730bca924e672b2e59f10524a7ffb5adf79.
 */
class ModelSigningWorkingDirectoryTest {
  @TempDir Path tmp;

  private static Path key(String name) {
    return Fixtures.oms("keys/certificate/" + name);
  }

  private Path model() {
    Path model = tmp.resolve("model-dir");
    TestModels.write(model.resolve("signme-1"), "signme-1\n");
    TestModels.write(model.resolve("signme-2"), "signme-2\n");
    TestModels.write(model.resolve("ignore"), "ignore\n");
    return model;
  }

  @Test
  void verifySigstoreInsideTheModelDirectoryWithDotAndRelativePaths() throws Exception {
    Cli.Result r =
        Cli.runIn(
            Fixtures.oms("v1.0.1-sigstore"),
            "verify",
            "sigstore",
            "--identity",
            "stefanb@us.ibm.com",
            "--identity_provider",
            "https://sigstore.verify.ibm.com/oauth2",
            "--ignore-paths",
            "ignore-me",
            "--signature",
            "model.sig",
            ".");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("Verification succeeded\n");
  }

  @Test
  void signAndVerifyKeyInsideTheModelDirectoryNameTheModelByItsDirectory() throws Exception {
    Path model = model();

    Cli.Result signed =
        Cli.runIn(
            model,
            "sign",
            "key",
            "--signature",
            "model.sig",
            "--private_key",
            key("signing-key.pem"),
            "--ignore-paths",
            "ignore",
            ".");
    Cli.Result verified =
        Cli.runIn(
            model,
            "verify",
            "key",
            "--signature",
            "model.sig",
            "--public_key",
            key("signing-key-pub.pem"),
            "--ignore-paths",
            "ignore",
            ".");

    assertThat(signed.exitCode()).as(signed.toString()).isZero();
    assertThat(verified.exitCode()).as(verified.toString()).isZero();
    BundlePayload payload = BundlePayload.of(model.resolve("model.sig"));
    assertThat(payload.resourceNames()).containsExactly("signme-1", "signme-2");
    assertThat(payload.subjectName()).isEqualTo("model-dir");
  }

  @Test
  void signCertificateFromASubdirectoryWithDotDotAndVerifyFromTheModel() throws Exception {
    Path model = model();
    TestModels.write(model.resolve("subdir/symlinked"), "foo\n");
    Files.createSymbolicLink(model.resolve("symlink"), Path.of("subdir/symlinked"));

    Cli.Result signed =
        Cli.runIn(
            model.resolve("subdir"),
            "sign",
            "certificate",
            "--signature",
            "../model.sig",
            "--private_key",
            key("signing-key.pem"),
            "--signing_certificate",
            key("signing-key-cert.pem"),
            "--certificate_chain",
            key("int-ca-cert.pem"),
            "--ignore-paths",
            "../ignore",
            "--allow_symlinks",
            "..");
    Cli.Result verified =
        Cli.runIn(
            model,
            "verify",
            "certificate",
            "--signature",
            "model.sig",
            "--certificate_chain",
            key("ca-cert.pem"),
            "--ignore-paths",
            "ignore",
            "--allow_symlinks",
            ".");

    assertThat(signed.exitCode()).as(signed.toString()).isZero();
    assertThat(verified.exitCode()).as(verified.toString()).isZero();
    BundlePayload payload = BundlePayload.of(model.resolve("model.sig"));
    assertThat(payload.resourceNames())
        .containsExactly("signme-1", "signme-2", "subdir/symlinked", "symlink");
    assertThat(payload.subjectName()).isEqualTo("model-dir");
  }

  /**
   * model_signing's --signature default is model.sig in the current directory, not in the model.
   */
  @Test
  void theDefaultSignatureIsModelSigInTheCurrentDirectory() throws Exception {
    Path model = model();

    Cli.Result r =
        Cli.runIn(
            tmp,
            "sign",
            "key",
            "--private_key",
            key("signing-key.pem"),
            "--ignore-paths",
            "model-dir/ignore",
            "model-dir");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(tmp.resolve("model.sig")).exists();
    assertThat(model.resolve("model.sig")).doesNotExist();
  }
}
