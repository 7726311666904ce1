package dev.modelgate.trust;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads keys and certificates from PEM text. Text outside the PEM blocks is skipped, so files such
 * as certtool's (a human-readable dump followed by the PEM block) read as expected.
 */
public final class PemReader {
  private static final JcaPEMKeyConverter CONVERTER = new JcaPEMKeyConverter();

  private PemReader() {}

  public static PublicKey publicKey(Path file) {
    return publicKey(read(file), file.toString());
  }

  /**
   * The one public key (or certificate's key) in PEM text; a file with more than one is refused,
   * never read as its first.
   */
  public static PublicKey publicKey(String pem, String source) {
    List<Object> all = objects(pem, source);
    long keys =
        all.stream()
            .filter(o -> o instanceof SubjectPublicKeyInfo || o instanceof X509CertificateHolder)
            .count();
    if (keys > 1) {
      throw bad(
          source,
          "holds "
              + keys
              + " keys; give exactly one (which one is trusted must not depend on order)");
    }
    for (Object o : all) {
      try {
        if (o instanceof SubjectPublicKeyInfo) {
          return CONVERTER.getPublicKey((SubjectPublicKeyInfo) o);
        }
        if (o instanceof X509CertificateHolder) {
          return CONVERTER.getPublicKey(((X509CertificateHolder) o).getSubjectPublicKeyInfo());
        }
      } catch (IOException e) {
        throw bad(source, "holds a public key that cannot be decoded: " + e.getMessage());
      }
    }
    throw bad(source, "holds no PEM public key (-----BEGIN PUBLIC KEY-----)");
  }

  /** Every certificate in the file, in order; at least one. */
  public static List<X509Certificate> certificates(Path file) {
    return certificates(read(file), file.toString());
  }

  /** Every certificate in PEM text, in order; at least one. */
  public static List<X509Certificate> certificates(String pem, String source) {
    List<X509Certificate> out = new ArrayList<>();
    for (Object o : objects(pem, source)) {
      if (o instanceof X509CertificateHolder) {
        out.add(toX509((X509CertificateHolder) o, source));
      }
    }
    if (out.isEmpty()) {
      throw bad(source, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return out;
  }

  /** The first certificate in PEM text. */
  public static X509Certificate certificate(String pem, String source) {
    for (Object o : objects(pem, source)) {
      if (o instanceof X509CertificateHolder) {
        return toX509((X509CertificateHolder) o, source);
      }
    }
    throw bad(source, "holds no PEM certificate");
  }

  private static X509Certificate toX509(X509CertificateHolder holder, String source) {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      return (X509Certificate)
          cf.generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
    } catch (GeneralSecurityException | IOException e) {
      throw bad(source, "holds a certificate that cannot be decoded: " + e.getMessage());
    }
  }

  /** An EC private key (SEC1 "EC PRIVATE KEY" or PKCS#8 "PRIVATE KEY") with its public key. */
  public static KeyPair keyPair(Path file) {
    String source = file.toString();
    List<Object> all = objects(read(file), source);
    long keys =
        all.stream().filter(o -> o instanceof PEMKeyPair || o instanceof PrivateKeyInfo).count();
    if (keys > 1) {
      throw bad(source, "holds " + keys + " private keys; give exactly one");
    }
    for (Object o : all) {
      try {
        if (o instanceof PEMKeyPair) {
          PEMKeyPair pair = (PEMKeyPair) o;
          if (pair.getPublicKeyInfo() != null) {
            return CONVERTER.getKeyPair(pair);
          }
          // SEC1 keys may omit the optional public key; it follows from the private scalar.
          PrivateKey priv = CONVERTER.getPrivateKey(pair.getPrivateKeyInfo());
          return new KeyPair(derivePublic(priv, source), priv);
        }
        if (o instanceof PrivateKeyInfo) {
          PrivateKey priv = CONVERTER.getPrivateKey((PrivateKeyInfo) o);
          return new KeyPair(derivePublic(priv, source), priv);
        }
      } catch (IOException | GeneralSecurityException e) {
        throw bad(source, "holds a private key that cannot be decoded: " + e.getMessage());
      }
    }
    throw bad(source, "holds no unencrypted PEM private key (EC PRIVATE KEY or PRIVATE KEY)");
  }

  private static PublicKey derivePublic(PrivateKey priv, String source)
      throws GeneralSecurityException {
    if (!(priv instanceof ECPrivateKey)) {
      throw bad(source, "holds a " + priv.getAlgorithm() + " key; OMS signing keys are EC");
    }
    ECPrivateKey ec = (ECPrivateKey) priv;
    org.bouncycastle.math.ec.ECPoint q =
        EC5Util.convertSpec(ec.getParams()).getG().multiply(ec.getS()).normalize();
    ECPoint w =
        new ECPoint(
            new BigInteger(1, q.getAffineXCoord().getEncoded()),
            new BigInteger(1, q.getAffineYCoord().getEncoded()));
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, ec.getParams()));
  }

  private static List<Object> objects(String pem, String source) {
    List<Object> out = new ArrayList<>();
    try (Reader r = new StringReader(pem);
        PEMParser parser = new PEMParser(r)) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        out.add(o);
      }
    } catch (IOException | RuntimeException e) {
      throw bad(source, "is not valid PEM: " + e.getMessage());
    }
    return out;
  }

  private static String read(Path file) {
    try {
      if (Files.size(file) > 1024 * 1024) {
        throw bad(file.toString(), "is larger than 1 MiB; not a key or certificate file");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(Reason.NOT_FOUND, "file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new InvalidInputException(
          Reason.IO_ERROR, "file " + file + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static InvalidInputException bad(String source, String problem) {
    return new InvalidInputException(Reason.KEY_UNSUPPORTED, source + " " + problem);
  }
}
