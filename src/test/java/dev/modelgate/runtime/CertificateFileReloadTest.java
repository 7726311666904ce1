package dev.modelgate.runtime;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.certs.CertificateIssuer;
import dev.modelgate.certs.CertificateLifetimes;
import dev.modelgate.certs.KeyAndCertificate;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --tls-cert/--tls-key}: the running server over real HTTPS presents a replacement
 * certificate once the files are replaced (as the kubelet replaces a mounted Secret), keeps an open
 * connection working across the swap, and stays ready; a broken replacement is not loaded.
 */
@QuarkusTest
@TestProfile(CertificateFileReloadTest.FileCertificates.class)
class CertificateFileReloadTest {
  static final Path DIR = createDir();
  static final CertificateIssuer ISSUER =
      new CertificateIssuer(Clock.systemUTC(), CertificateLifetimes.DEFAULT);
  static final KeyAndCertificate CA = ISSUER.newAuthority("file-reload");

  @TestHTTPResource(value = "/", tls = true)
  URL base;

  public static class FileCertificates implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      write(ISSUER.issueServing(CA, List.of("localhost")));
      return Map.of(
          "quarkus.http.ssl.certificate.files", DIR.resolve("tls.crt").toString(),
          "quarkus.http.ssl.certificate.key-files", DIR.resolve("tls.key").toString(),
          "modelgate.tls-file-check-period", "200ms");
    }
  }

  static Path createDir() {
    try {
      return Files.createTempDirectory("modelgate-reload");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaced the way the kubelet does it: new files moved over the old ones. */
  static void write(KeyAndCertificate pair) {
    try {
      for (var f : Map.of("tls.key", pair.keyPem(), "tls.crt", pair.certificatePem()).entrySet()) {
        Path tmp = Files.createTempFile(DIR, ".new", ".pem");
        Files.write(tmp, f.getValue());
        Files.move(
            tmp,
            DIR.resolve(f.getKey()),
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SSLSocket connect(int port, X509Certificate[] seen) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType)
                throws CertificateException {
              throw new CertificateException("the test client accepts no TLS clients");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType)
                throws CertificateException {
              try {
                chain[0].verify(CA.certificate().getPublicKey());
              } catch (GeneralSecurityException e) {
                throw new CertificateException("not issued by the test CA", e);
              }
              seen[0] = chain[0];
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[] {CA.certificate()};
            }
          }
        },
        null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("localhost", port);
    s.startHandshake();
    return s;
  }

  static String presentedFingerprint(int port) throws Exception {
    X509Certificate[] seen = new X509Certificate[1];
    try (SSLSocket s = connect(port, seen)) {
      return KeyAndCertificate.fingerprint(seen[0]);
    }
  }

  static String get(SSLSocket s, String path) throws Exception {
    OutputStream out = s.getOutputStream();
    out.write(
        ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    String status = in.readLine();
    int length = 0;
    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    char[] body = new char[length];
    int read = 0;
    while (read < length) {
      read += in.read(body, read, length - read);
    }
    return status + "\n" + new String(body);
  }

  @Test
  void replacedCertificateFilesArePresentedWithoutDroppingOpenConnections() throws Exception {
    int port = base.getPort();
    X509Certificate[] first = new X509Certificate[1];
    try (SSLSocket open = connect(port, first)) {
      assertThat(get(open, "/q/health/ready")).startsWith("HTTP/1.1 200");
      KeyAndCertificate next = ISSUER.issueServing(CA, List.of("localhost", "modelgate.test"));

      write(next);

      Instant until = Instant.now().plusSeconds(20);
      // A handshake that starts at the very moment Vert.x swaps its SSL options can be closed
      // (observed: one per swap, an NPE in Vert.x's SslContextUpdate); before and after, none are.
      int failed = 0;
      String presented = "";
      while (!presented.equals(next.fingerprint())) {
        assertThat(Instant.now())
            .as("the new certificate is presented within 20 s")
            .isBefore(until);
        Thread.sleep(100);
        try {
          presented = presentedFingerprint(port);
        } catch (SSLException e) {
          failed++;
        }
      }
      assertThat(failed).as("handshakes refused during the swap").isLessThanOrEqualTo(2);
      for (int i = 0; i < 20; i++) {
        assertThat(presentedFingerprint(port)).isEqualTo(next.fingerprint());
      }
      assertThat(get(open, "/q/health/ready"))
          .as("the connection opened before the swap still answers")
          .startsWith("HTTP/1.1 200")
          .contains("\"tls\"");
      assertThat(KeyAndCertificate.fingerprint(first[0])).isNotEqualTo(next.fingerprint());
    }
    String ready =
        given().relaxedHTTPSValidation().baseUri(base.toString()).get("q/health/ready").asString();
    assertThat(ready).contains("UP").contains("files " + DIR.resolve("tls.crt"));
  }

  @Test
  void keyThatDoesNotMatchTheCertificateIsNotLoaded() throws Exception {
    int port = base.getPort();
    String before = presentedFingerprint(port);
    KeyAndCertificate other = ISSUER.issueServing(CA, List.of("localhost"));
    Path key = DIR.resolve("tls.key");
    byte[] goodKey = Files.readAllBytes(key);
    try {
      Path tmp = Files.createTempFile(DIR, ".bad", ".pem");
      Files.write(tmp, other.keyPem());
      Files.move(tmp, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Thread.sleep(Duration.ofSeconds(1).toMillis());

      assertThat(presentedFingerprint(port)).as("the working certificate stays").isEqualTo(before);
      assertThat(
              given()
                  .relaxedHTTPSValidation()
                  .baseUri(base.toString())
                  .get("q/health/ready")
                  .statusCode())
          .isEqualTo(200);
    } finally {
      Files.write(key, goodKey);
    }
  }
}
