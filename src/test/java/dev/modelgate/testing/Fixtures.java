package dev.modelgate.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Paths into {@code ../shared/fixtures}, read in place (never copied into the project). */
public final class Fixtures {
  private Fixtures() {}

  public static Path shared() {
    String configured = System.getProperty("shared.dir");
    Path p = configured != null ? Paths.get(configured) : Paths.get("..", "shared");
    if (!Files.isDirectory(p.resolve("fixtures"))) {
      throw new IllegalStateException("shared fixtures not found at " + p.toAbsolutePath());
    }
    return p.toAbsolutePath().normalize();
  }

  public static Path oms(String relative) {
    return shared().resolve("fixtures/oms").resolve(relative);
  }

  public static Path caCert() {
    return oms("keys/certificate/ca-cert.pem");
  }

  public static Path intermediateCert() {
    return oms("keys/certificate/int-ca-cert.pem");
  }

  public static Path signingPublicKey() {
    return oms("keys/certificate/signing-key-pub.pem");
  }

  public static Path signingPrivateKey() {
    return oms("keys/certificate/signing-key.pem");
  }

  public static Path signingCert() {
    return oms("keys/certificate/signing-key-cert.pem");
  }

  public static Path golden(String name) {
    return oms("payload-goldens/statements/" + name);
  }

  public static Path goldenModel(String name) {
    return oms("payload-goldens/models/" + name);
  }

  public static Path specVector(String relative) {
    return oms("oms-spec-test-vectors/v1.0/" + relative);
  }
}
