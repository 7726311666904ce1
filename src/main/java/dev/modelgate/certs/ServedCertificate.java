package dev.modelgate.certs;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The certificate this replica's HTTPS server presents: the PEM files the server reads, and the
 * reload that makes it present new ones to new connections (open connections keep theirs).
 * Replacement files are checked (certificate and matching key) before the server is asked to
 * reload, so a half-written or wrong pair never replaces a working one.
 */
public final class ServedCertificate {
  private static final Logger log = Logger.getLogger(ServedCertificate.class);

  /** What the server reloads from; the reload completes or throws. */
  public interface Reloader {
    void reload() throws Exception;
  }

  /** The certificate loaded last, and where it came from. */
  public record Loaded(
      String fingerprint, X509Certificate certificate, String origin, Instant at) {}

  private final Path certFile;
  private final Path keyFile;
  private final Reloader reloader;
  private final AtomicReference<Loaded> loaded = new AtomicReference<>();
  private volatile String lastFileContent = "";
  private volatile String lastRefused = "";

  public ServedCertificate(Path certFile, Path keyFile, Reloader reloader) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.reloader = reloader;
  }

  public Path certFile() {
    return certFile;
  }

  public Optional<Loaded> loaded() {
    return Optional.ofNullable(loaded.get());
  }

  /**
   * Records that the server started with the files as they are (the server refuses to start without
   * a valid pair).
   */
  public void startedWithFiles(String origin) {
    try {
      KeyAndCertificate pair = readFiles();
      lastFileContent = contentKey();
      loaded.set(new Loaded(pair.fingerprint(), pair.certificate(), origin, Instant.now()));
    } catch (IOException | TlsDataException e) {
      log.warnf(
          "the served certificate files %s/%s cannot be read: %s",
          certFile, keyFile, e.getMessage());
    }
  }

  /** Writes a new pair into the served files (each atomically) and reloads the server. */
  public synchronized void install(KeyAndCertificate pair, String origin) throws Exception {
    if (loaded().map(l -> l.fingerprint().equals(pair.fingerprint())).orElse(false)) {
      return;
    }
    replace(keyFile, pair.keyPem());
    replace(certFile, pair.certificatePem());
    reloadAndRecord(pair, origin);
  }

  /**
   * Reloads when the files changed since the last look (a kubelet-updated Secret volume, an
   * operator replacing them), once they hold a valid pair. Returns whether it reloaded.
   */
  public synchronized boolean reloadIfFilesChanged() {
    String now;
    try {
      now = contentKey();
    } catch (IOException e) {
      log.warnf(
          "the certificate files %s/%s cannot be read, the server keeps its current certificate: %s",
          certFile, keyFile, e.getMessage());
      return false;
    }
    if (now.equals(lastFileContent)) {
      return false;
    }
    KeyAndCertificate pair;
    try {
      pair = readFiles();
    } catch (IOException | TlsDataException e) {
      if (!now.equals(lastRefused)) {
        log.warnf(
            "the certificate files changed but are not a usable pair, the server keeps its current certificate: %s",
            e.getMessage());
        lastRefused = now;
      }
      return false;
    }
    try {
      reloadAndRecord(pair, "files " + certFile);
      lastFileContent = now;
      return true;
    } catch (Exception e) {
      log.errorf("the HTTPS server could not reload %s: %s", certFile, e.getMessage());
      return false;
    }
  }

  private void reloadAndRecord(KeyAndCertificate pair, String origin) throws Exception {
    reloader.reload();
    lastFileContent = contentKey();
    loaded.set(new Loaded(pair.fingerprint(), pair.certificate(), origin, Instant.now()));
    log.infof(
        "serving certificate %s from %s (serial %s, valid until %s)",
        pair.fingerprint().substring(0, 16),
        origin,
        pair.certificate().getSerialNumber().toString(16),
        pair.certificate().getNotAfter().toInstant());
  }

  private KeyAndCertificate readFiles() throws IOException {
    return KeyAndCertificate.parse(
        "served certificate " + certFile,
        Files.readAllBytes(certFile),
        Files.readAllBytes(keyFile));
  }

  /** A digest of both files' bytes: any change to either is noticed. */
  private String contentKey() throws IOException {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(Files.readAllBytes(certFile));
      d.update((byte) 0);
      d.update(Files.readAllBytes(keyFile));
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void replace(Path target, byte[] content) throws IOException {
    Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".modelgate-", ".tmp");
    Files.write(tmp, content);
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
