package dev.modelgate.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.oms.DsseEnvelope;
import dev.modelgate.oms.HashAlgorithm;
import dev.modelgate.oms.Pae;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;

/**
 * A complete Sigstore keyless world minted offline per test run (sigstore-java.md section 3): a
 * test Fulcio root and intermediate, a CT log key, a Rekor key and a TSA; leaf certificates with
 * the Fulcio extensions and an embedded SCT; Rekor {@code dsse} entries with an RFC 6962 inclusion
 * proof, a signed checkpoint and a SET; RFC 3161 tokens; and the matching {@code
 * trusted_root.json}. {@link Options} turn each part into a specific forgery for negative tests.
 */
public final class TestSigstore {
  public static final String ISSUER = "https://issuer.test.local";
  public static final String REKOR_HOST = "rekor.test.local";
  private static final AtomicLong SERIAL = new AtomicLong(5000);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KeyPair fulcioRootKeys = TestKeys.ec("secp256r1");
  private final KeyPair fulcioIntKeys = TestKeys.ec("secp256r1");
  private final KeyPair ctKeys = TestKeys.ec("secp256r1");
  private final KeyPair rekorKeys = TestKeys.ec("secp256r1");
  private final KeyPair tsaRootKeys = TestKeys.ec("secp256r1");
  private final KeyPair tsaKeys = TestKeys.ec("secp256r1");
  private final Instant epoch = Instant.now().minus(Duration.ofDays(30));
  private final X509Certificate fulcioRoot;
  private final X509Certificate fulcioInt;
  private final X509Certificate tsaRoot;
  private final X509Certificate tsaLeaf;

  public TestSigstore() {
    fulcioRoot = ca("CN=test fulcio root,O=test", fulcioRootKeys, null, fulcioRootKeys, false);
    fulcioInt =
        ca("CN=test fulcio intermediate,O=test", fulcioIntKeys, fulcioRoot, fulcioRootKeys, false);
    tsaRoot = ca("CN=test tsa root,O=test", tsaRootKeys, null, tsaRootKeys, false);
    tsaLeaf = ca("CN=test tsa,O=test", tsaKeys, tsaRoot, tsaRootKeys, true);
  }

  /** What to sign and how to break it. Defaults make a valid bundle with a SET and no timestamp. */
  public static final class Options {
    public String san = "signer@test.local";
    public boolean sanIsUri = false;
    public String issuer = ISSUER;
    public boolean withSet = true;
    public boolean withTimestamp = false;
    public boolean timestampFromUnknownTsa = false;
    public boolean foreignFulcio = false;
    public boolean noSct = false;
    public boolean forgedSct = false;
    public boolean tamperPayloadAfterSigning = false;
    public boolean forgedSet = false;
    public boolean brokenInclusionProof = false;
    public boolean checkpointFromOtherLog = false;
    public boolean entryForOtherEnvelope = false;
    public boolean late = false;
    public boolean twoEntries = false;
    public boolean twoSignatures = false;
  }

  // ---------------------------------------------------------------- trusted root

  public Path writeTrustedRoot(Path file) {
    return writeJson(file, trustedRoot());
  }

  public Map<String, Object> trustedRoot() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("mediaType", "application/vnd.dev.sigstore.trustedroot+json;version=0.1");
    root.put("tlogs", List.of(log("https://" + REKOR_HOST, rekorKeys)));
    root.put(
        "certificateAuthorities",
        List.of(authority("https://fulcio.test.local", fulcioInt, fulcioRoot)));
    root.put("ctlogs", List.of(log("https://ctfe.test.local", ctKeys)));
    root.put(
        "timestampAuthorities", List.of(authority("https://tsa.test.local", tsaLeaf, tsaRoot)));
    return root;
  }

  private Map<String, Object> log(String url, KeyPair keys) {
    return Map.of(
        "baseUrl",
        url,
        "hashAlgorithm",
        "SHA2_256",
        "publicKey",
        Map.of(
            "rawBytes",
            b64(keys.getPublic().getEncoded()),
            "keyDetails",
            "PKIX_ECDSA_P256_SHA_256",
            "validFor",
            Map.of("start", epoch.minus(Duration.ofDays(1)).toString())),
        "logId",
        Map.of("keyId", b64(sha256(keys.getPublic().getEncoded()))));
  }

  private Map<String, Object> authority(String uri, X509Certificate... chain) {
    List<Object> certs = new ArrayList<>();
    for (X509Certificate c : chain) {
      certs.add(Map.of("rawBytes", b64(encoded(c))));
    }
    return Map.of(
        "subject", Map.of("organization", "test", "commonName", uri),
        "uri", uri,
        "certChain", Map.of("certificates", certs),
        "validFor", Map.of("start", epoch.minus(Duration.ofDays(1)).toString()));
  }

  // ---------------------------------------------------------------- signing

  /** Signs an OMS statement keylessly and writes the bundle to {@code out}. */
  public Path sign(byte[] payload, Options o, Path out) {
    return writeJson(out, bundle(payload, o));
  }

  public Map<String, Object> bundle(byte[] payload, Options o) {
    KeyPair leafKeys = TestKeys.ec("secp256r1");
    Instant notBefore = epoch.plus(Duration.ofDays(1));
    X509Certificate leaf = leaf(leafKeys, o, notBefore);
    byte[] pae = Pae.encode(DsseEnvelope.IN_TOTO_PAYLOAD_TYPE, payload);
    byte[] sig = sign(leafKeys.getPrivate(), pae);

    byte[] loggedPayload =
        o.entryForOtherEnvelope ? "another envelope".getBytes(StandardCharsets.UTF_8) : payload;
    byte[] body = rekorBody(loggedPayload, sig, leaf);
    long integrated =
        (o.late
                ? leaf.getNotAfter().toInstant().plus(Duration.ofDays(1))
                : notBefore.plus(Duration.ofMinutes(1)))
            .getEpochSecond();
    Map<String, Object> entry = tlogEntry(body, integrated, o);
    Map<String, Object> material = new LinkedHashMap<>();
    material.put("certificate", Map.of("rawBytes", b64(encoded(leaf))));
    material.put("tlogEntries", o.twoEntries ? List.of(entry, entry) : List.of(entry));
    if (o.withTimestamp) {
      material.put(
          "timestampVerificationData",
          Map.of(
              "rfc3161Timestamps",
              List.of(
                  Map.of(
                      "signedTimestamp",
                      b64(timestamp(sig, notBefore.plus(Duration.ofMinutes(2)), o))))));
    }
    byte[] shipped = payload.clone();
    if (o.tamperPayloadAfterSigning) {
      shipped[shipped.length / 2] ^= 1;
    }
    Map<String, Object> signature = Map.of("sig", b64(sig), "keyid", "");
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("payload", b64(shipped));
    envelope.put("payloadType", DsseEnvelope.IN_TOTO_PAYLOAD_TYPE);
    envelope.put(
        "signatures", o.twoSignatures ? List.of(signature, signature) : List.of(signature));
    Map<String, Object> bundle = new LinkedHashMap<>();
    bundle.put("mediaType", "application/vnd.dev.sigstore.bundle.v0.3+json");
    bundle.put("verificationMaterial", material);
    bundle.put("dsseEnvelope", envelope);
    return bundle;
  }

  private X509Certificate leaf(KeyPair keys, Options o, Instant notBefore) {
    X509Certificate issuerCert = fulcioInt;
    KeyPair issuerKeys = fulcioIntKeys;
    if (o.foreignFulcio) {
      KeyPair otherRoot = TestKeys.ec("secp256r1");
      issuerKeys = TestKeys.ec("secp256r1");
      issuerCert =
          ca(
              "CN=test fulcio intermediate,O=test",
              issuerKeys,
              ca("CN=test fulcio root,O=test", otherRoot, null, otherRoot, false),
              otherRoot,
              false);
    }
    try {
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              issuerCert,
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(notBefore),
              Date.from(notBefore.plus(Duration.ofMinutes(10))),
              new X500Name(new RDN[0]),
              keys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
      b.addExtension(
          Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      b.addExtension(
          Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerCert));
      GeneralName san =
          new GeneralName(
              o.sanIsUri ? GeneralName.uniformResourceIdentifier : GeneralName.rfc822Name, o.san);
      b.addExtension(Extension.subjectAlternativeName, true, new GeneralNames(san));
      b.addExtension(
          new ASN1ObjectIdentifier("1.3.6.1.4.1.57264.1.1"),
          false,
          o.issuer.getBytes(StandardCharsets.UTF_8));
      b.addExtension(
          new ASN1ObjectIdentifier("1.3.6.1.4.1.57264.1.8"), false, new DERUTF8String(o.issuer));
      X509Certificate precert = build(b, issuerKeys);
      if (o.noSct) {
        return precert;
      }
      byte[] sct =
          sct(precert, issuerCert, o.forgedSct ? TestKeys.ec("secp256r1") : ctKeys, notBefore);
      b.addExtension(
          new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2"), false, new DEROctetString(sct));
      return build(b, issuerKeys);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An RFC 6962 v1 SCT list for a precertificate, signed by the CT key (sigstore-java.md 3.1). */
  private byte[] sct(X509Certificate precert, X509Certificate issuer, KeyPair ct, Instant when)
      throws Exception {
    long ts = when.toEpochMilli();
    byte[] tbs = precert.getTBSCertificate();
    ByteArrayOutputStream signed = new ByteArrayOutputStream();
    signed.write(0); // v1
    signed.write(0); // certificate_timestamp
    signed.write(u64(ts));
    signed.write(new byte[] {0, 1}); // precert_entry
    signed.write(sha256(issuer.getPublicKey().getEncoded()));
    signed.write(
        new byte[] {(byte) (tbs.length >> 16), (byte) (tbs.length >> 8), (byte) tbs.length});
    signed.write(tbs);
    signed.write(new byte[] {0, 0});
    byte[] sig = sign(ct.getPrivate(), signed.toByteArray());
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    s.write(0);
    s.write(sha256(ctKeys.getPublic().getEncoded())); // the log id always names the trusted log
    s.write(u64(ts));
    s.write(new byte[] {0, 0, 4, 3, (byte) (sig.length >> 8), (byte) sig.length});
    s.write(sig);
    byte[] one = s.toByteArray();
    ByteArrayOutputStream list = new ByteArrayOutputStream();
    list.write(
        new byte[] {
          (byte) ((one.length + 2) >> 8),
          (byte) (one.length + 2),
          (byte) (one.length >> 8),
          (byte) one.length
        });
    list.write(one);
    return list.toByteArray();
  }

  private byte[] rekorBody(byte[] payload, byte[] sig, X509Certificate leaf) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("envelopeHash", Map.of("algorithm", "sha256", "value", hex(sha256(sig))));
    spec.put("payloadHash", Map.of("algorithm", "sha256", "value", hex(sha256(payload))));
    spec.put(
        "signatures",
        List.of(
            Map.of(
                "signature",
                b64(sig),
                "verifier",
                b64(pem(leaf).getBytes(StandardCharsets.US_ASCII)))));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("apiVersion", "0.0.1");
    body.put("kind", "dsse");
    body.put("spec", spec);
    return json(body);
  }

  private Map<String, Object> tlogEntry(byte[] body, long integratedTime, Options o) {
    int size = 5;
    int index = 3;
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      leaves.add(
          MerkleTree.leafHash(
              i == index ? body : ("other entry " + i).getBytes(StandardCharsets.UTF_8)));
    }
    byte[] rootHash = MerkleTree.root(leaves);
    List<String> hashes = new ArrayList<>();
    for (byte[] h : MerkleTree.path(index, leaves)) {
      hashes.add(b64(h));
    }
    if (o.brokenInclusionProof) {
      byte[] first = Base64.getDecoder().decode(hashes.get(0));
      first[0] ^= 1;
      hashes.set(0, b64(first));
    }
    byte[] logId = sha256(rekorKeys.getPublic().getEncoded());
    Map<String, Object> proof = new LinkedHashMap<>();
    proof.put("logIndex", String.valueOf(index));
    proof.put("rootHash", b64(rootHash));
    proof.put("treeSize", String.valueOf(size));
    proof.put("hashes", hashes);
    proof.put(
        "checkpoint", Map.of("envelope", checkpoint(size, rootHash, o.checkpointFromOtherLog)));
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("logIndex", String.valueOf(index));
    entry.put("logId", Map.of("keyId", b64(logId)));
    entry.put("kindVersion", Map.of("kind", "dsse", "version", "0.0.1"));
    entry.put("integratedTime", String.valueOf(integratedTime));
    if (o.withSet) {
      String set =
          "{\"body\":\""
              + b64(body)
              + "\",\"integratedTime\":"
              + integratedTime
              + ",\"logID\":\""
              + hex(logId)
              + "\",\"logIndex\":"
              + index
              + "}";
      PrivateKey signer =
          o.forgedSet ? TestKeys.ec("secp256r1").getPrivate() : rekorKeys.getPrivate();
      entry.put(
          "inclusionPromise",
          Map.of("signedEntryTimestamp", b64(sign(signer, set.getBytes(StandardCharsets.UTF_8)))));
    }
    entry.put("inclusionProof", proof);
    entry.put("canonicalizedBody", b64(body));
    return entry;
  }

  /**
   * A signed note (checkpoint): origin, size, root, blank line, then the em-dash signature line.
   */
  private String checkpoint(int size, byte[] root, boolean fromOtherLog) {
    KeyPair keys = fromOtherLog ? TestKeys.ec("secp256r1") : rekorKeys;
    String host = fromOtherLog ? "rekor.other.test" : REKOR_HOST;
    String note = host + " - 1234567890\n" + size + "\n" + b64(root) + "\n";
    byte[] sig = sign(keys.getPrivate(), note.getBytes(StandardCharsets.UTF_8));
    byte[] hint = Arrays.copyOf(sha256(keys.getPublic().getEncoded()), 4);
    byte[] signed = new byte[hint.length + sig.length];
    System.arraycopy(hint, 0, signed, 0, 4);
    System.arraycopy(sig, 0, signed, 4, sig.length);
    return note + "\n\u2014 " + host + " " + b64(signed) + "\n";
  }

  private byte[] timestamp(byte[] signature, Instant genTime, Options o) {
    try {
      KeyPair keys = tsaKeys;
      X509Certificate cert = tsaLeaf;
      if (o.timestampFromUnknownTsa) {
        KeyPair otherRoot = TestKeys.ec("secp256r1");
        keys = TestKeys.ec("secp256r1");
        cert =
            ca(
                "CN=test tsa,O=test",
                keys,
                ca("CN=test tsa root,O=test", otherRoot, null, otherRoot, false),
                otherRoot,
                true);
      }
      DigestCalculator sha256 =
          new JcaDigestCalculatorProviderBuilder()
              .build()
              .get(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256));
      TimeStampTokenGenerator gen =
          new TimeStampTokenGenerator(
              new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                  .build(
                      new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()),
                      cert),
              sha256,
              new ASN1ObjectIdentifier("1.3.6.1.4.1.57264.2"));
      gen.addCertificates(new JcaCertStore(List.of(cert)));
      var request =
          new TimeStampRequestGenerator()
              .generate(NISTObjectIdentifiers.id_sha256, sha256(signature), BigInteger.ONE);
      // Bundles carry the whole TimeStampResp (status and token), as sigstore-tsa returns it.
      return new TimeStampResponseGenerator(gen, TSPAlgorithms.ALLOWED)
          .generate(request, BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(genTime))
          .getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- helpers

  private X509Certificate ca(
      String subject,
      KeyPair keys,
      X509Certificate issuer,
      KeyPair issuerKeys,
      boolean timestamping) {
    try {
      X500Name issuerName =
          issuer == null
              ? new X500Name(subject)
              : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              issuerName,
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(epoch),
              Date.from(epoch.plus(Duration.ofDays(3650))),
              new X500Name(subject),
              keys.getPublic());
      if (timestamping) {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(
            Extension.extendedKeyUsage,
            true,
            new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
      } else {
        b.addExtension(
            Extension.basicConstraints,
            true,
            issuer == null ? new BasicConstraints(true) : new BasicConstraints(0));
        b.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      }
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(
          Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      return build(b, issuerKeys);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate build(X509v3CertificateBuilder b, KeyPair issuerKeys)
      throws Exception {
    X509CertificateHolder h =
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate()));
    return new JcaX509CertificateConverter().getCertificate(h);
  }

  static byte[] sign(PrivateKey key, byte[] data) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(key);
      s.update(data);
      return s.sign();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] u64(long v) {
    byte[] out = new byte[8];
    for (int i = 7; i >= 0; i--) {
      out[i] = (byte) v;
      v >>= 8;
    }
    return out;
  }

  static byte[] sha256(byte[] data) {
    MessageDigest md = HashAlgorithm.sha256();
    return md.digest(data);
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
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

  private static byte[] json(Object o) {
    try {
      return JSON.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path writeJson(Path file, Object o) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      return Files.write(file, json(o));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
