package dev.modelgate.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** Fresh EC keys for tests, written as PEM files where the CLI needs them. */
public final class TestKeys {
  private TestKeys() {}

  /** curve: secp256r1, secp384r1 or secp521r1 (or any other name the JDK knows). */
  public static KeyPair ec(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes {@code object} (a key, key pair or certificate) as PEM and returns the file. */
  public static Path writePem(Path file, Object... objects) {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      for (Object o : objects) {
        // Private keys as PKCS#8, the form `openssl genpkey` writes; JcaPEMWriter's SEC1 output
        // for JDK keys omits the curve. SEC1 keys are covered by the reference fixture key.
        w.writeObject(o instanceof PrivateKey ? new JcaPKCS8Generator((PrivateKey) o, null) : o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Files.writeString(file, sw.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
