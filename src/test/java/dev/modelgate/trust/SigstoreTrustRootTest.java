package dev.modelgate.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestSigstore;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** Trust roots fail at load time, with a reason; identities are read as Fulcio writes them. */
class SigstoreTrustRootTest {

  @Test
  void ctLogKeyTypeSigstoreJavaCannotLoadIsAConfigurationErrorAtLoadTime() throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.valueToTree(new TestSigstore().trustedRoot());
    KeyPair p384 = TestKeys.ec("secp384r1");
    ObjectNode key = (ObjectNode) root.at("/ctlogs/0/publicKey");
    key.put("rawBytes", Base64.getEncoder().encodeToString(p384.getPublic().getEncoded()));
    key.put("keyDetails", "PKIX_ECDSA_P384_SHA_384");

    assertThatThrownBy(() -> SigstoreTrustRoot.fromJson(json.writeValueAsBytes(root), "test root"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("trusted root test root ")
        .extracting(e -> ((InvalidInputException) e).reason())
        .isEqualTo(Reason.TRUST_ROOT_INVALID);
  }

  @Test
  void embeddedPublicGoodRootLoadsOffline() {
    assertThat(SigstoreTrustRoot.publicGood().source())
        .isEqualTo("embedded public-good trusted root");
  }

  @Test
  void fulcioUsernameOtherNameAndTheV2IssuerExtensionAreRead() throws Exception {
    KeyPair keys = TestKeys.ec("secp256r1");
    ASN1EncodableVector other = new ASN1EncodableVector();
    other.add(new ASN1ObjectIdentifier("1.3.6.1.4.1.57264.1.7"));
    other.add(new DERTaggedObject(true, 0, new DERUTF8String("octocat")));
    var b =
        new JcaX509v3CertificateBuilder(
            new X500Name("CN=issuer"),
            BigInteger.ONE,
            Date.from(Instant.now()),
            Date.from(Instant.now().plusSeconds(600)),
            new X500Name("CN=leaf"),
            keys.getPublic());
    b.addExtension(
        Extension.subjectAlternativeName,
        true,
        new GeneralNames(new GeneralName(GeneralName.otherName, new DERSequence(other))));
    b.addExtension(
        new ASN1ObjectIdentifier("1.3.6.1.4.1.57264.1.8"),
        false,
        new DERUTF8String("https://token.example"));
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));

    FulcioIdentity id = FulcioIdentity.of(cert);

    assertThat(id.issuer()).isEqualTo("https://token.example");
    assertThat(id.subjectAlternativeNames()).containsExactly("octocat");
    assertThat(KeylessIdentity.exact("https://token.example", "octocat").matches(id)).isTrue();
    assertThat(new KeylessIdentity("", "https://token\\..*", "", "octo.*").matches(id)).isTrue();
    assertThat(KeylessIdentity.exact("https://token.example", "octo").matches(id)).isFalse();
  }
}
