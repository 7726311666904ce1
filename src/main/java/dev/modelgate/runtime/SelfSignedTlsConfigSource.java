package dev.modelgate.runtime;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The HTTPS default: when no certificate is configured ({@code quarkus.http.ssl.certificate.files},
 * which {@code serve --tls-cert/--tls-key} set and which wins over this source), a self-signed
 * certificate for localhost, 127.0.0.1 and this host's name is generated at start into a private
 * temporary directory. Clusters give the webhook a real certificate: with self-managed TLS ({@link
 * WebhookTls}) these very files are overwritten with the certificate from the Secret; otherwise
 * cert-manager's or the operator's files are configured instead.
 */
public class SelfSignedTlsConfigSource implements ConfigSource {
  static final String CERT = "quarkus.http.ssl.certificate.files";
  static final String KEY = "quarkus.http.ssl.certificate.key-files";
  private static volatile Map<String, String> generated;

  @Override
  public Set<String> getPropertyNames() {
    return Set.of(CERT, KEY);
  }

  @Override
  public String getValue(String name) {
    if (!CERT.equals(name) && !KEY.equals(name)) {
      return null;
    }
    return files().get(name);
  }

  @Override
  public String getName() {
    return "modelgate-self-signed-tls";
  }

  @Override
  public int getOrdinal() {
    return 50;
  }

  private static synchronized Map<String, String> files() {
    if (generated == null) {
      generated = generate();
    }
    return generated;
  }

  private static Map<String, String> generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = g.generateKeyPair();
      List<GeneralName> names =
          new ArrayList<>(
              List.of(
                  new GeneralName(GeneralName.dNSName, "localhost"),
                  new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
      try {
        names.add(new GeneralName(GeneralName.dNSName, InetAddress.getLocalHost().getHostName()));
      } catch (IOException e) {
        // No host name: localhost is enough for a laptop.
      }
      Instant now = Instant.now();
      var b =
          new JcaX509v3CertificateBuilder(
              new X500Name("CN=modelgate self-signed"),
              BigInteger.valueOf(now.toEpochMilli()),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(Duration.ofDays(365))),
              new X500Name("CN=modelgate self-signed"),
              keys.getPublic());
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names.toArray(new GeneralName[0])));
      var cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
      Path dir = Files.createTempDirectory("modelgate-tls");
      dir.toFile().deleteOnExit();
      Path certFile = dir.resolve("tls.crt");
      Path keyFile = dir.resolve("tls.key");
      Files.writeString(certFile, pem(cert));
      Files.writeString(keyFile, pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
      certFile.toFile().deleteOnExit();
      keyFile.toFile().deleteOnExit();
      return Map.of(CERT, certFile.toString(), KEY, keyFile.toString());
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot generate the self-signed TLS certificate: " + e.getMessage(), e);
    }
  }

  private static String pem(Object o) {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sw.toString();
  }
}
