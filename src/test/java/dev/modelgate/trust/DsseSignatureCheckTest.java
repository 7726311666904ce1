package dev.modelgate.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Bytes;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.DsseEnvelope;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class DsseSignatureCheckTest {
  private static DsseEnvelope envelope() {
    return new DsseEnvelope(
        DsseEnvelope.IN_TOTO_PAYLOAD_TYPE,
        Bytes.copyOf("{}".getBytes(StandardCharsets.UTF_8)),
        List.of(new DsseEnvelope.Signature(Bytes.copyOf(new byte[] {1, 2, 3}), "")));
  }

  @Test
  void rsaKeyFromAnUntrustedCertificateIsAFailureNotAnException() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    PublicKey key = rsa.generateKeyPair().getPublic();

    DsseSignatureCheck.Result r = DsseSignatureCheck.check(envelope(), key, "certificate 'CN=rsa'");

    assertThat(r.form()).isEmpty();
    assertThat(r.failure().reason()).isEqualTo(Reason.KEY_UNSUPPORTED);
    assertThat(r.failure().message()).contains("certificate 'CN=rsa'");
  }
}
