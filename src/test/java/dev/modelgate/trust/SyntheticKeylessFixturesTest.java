package dev.modelgate.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Reason;
import dev.modelgate.oms.BundleParser;
import dev.modelgate.oms.SigstoreBundle;
import dev.modelgate.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * shared/fixtures/sigstore/synthetic-keyless: bundles on which sigstore-java 2.0.0's own
 * KeylessVerifier is wrong (utf8: rejected for its PAE length bug; late: accepted).
 */
class SyntheticKeylessFixturesTest {
  private static SignerVerdict verify(String mode) {
    Path dir = Fixtures.shared().resolve("fixtures/sigstore/synthetic-keyless/" + mode);
    SigstoreBundle bundle = new BundleParser().read(dir.resolve("bundle.sigstore.json"));
    SigstoreKeylessVerifier verifier =
        new SigstoreKeylessVerifier(
            SigstoreTrustRoot.fromFile(dir.resolve("trusted_root.json")),
            List.of(KeylessIdentity.exact("https://issuer.test.local", "signer@test.local")));
    return verifier.verify(bundle);
  }

  @ParameterizedTest
  @ValueSource(strings = {"set", "tsa", "utf8"})
  void validSyntheticBundleVerifies(String mode) {
    assertThat(verify(mode)).isInstanceOf(SignerVerdict.Verified.class);
  }

  @Test
  void lateBundleIsRejectedBecauseTheCertificateHadExpiredWhenLogged() {
    SignerVerdict v = verify("late");

    assertThat(v).isInstanceOf(SignerVerdict.Rejected.class);
    assertThat(((SignerVerdict.Rejected) v).failures())
        .anySatisfy(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.SIGNING_TIME_INVALID);
              assertThat(f.message()).contains("but the signature was logged at");
            });
  }
}
