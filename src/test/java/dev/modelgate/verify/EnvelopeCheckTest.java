package dev.modelgate.verify;

import static dev.modelgate.verify.Steps.failed;
import static dev.modelgate.verify.Steps.passed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.modelgate.core.Bytes;
import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.DsseEnvelope;
import dev.modelgate.oms.SigstoreBundle;
import dev.modelgate.testing.KeyBundles;
import dev.modelgate.testing.TestKeys;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The envelope step: an in-toto payload under exactly one signature, both problems reported. */
class EnvelopeCheckTest {
  final EnvelopeCheck check = new EnvelopeCheck();
  final SigstoreBundle signed = KeyBundles.parsed(KeyBundles.sign(TestKeys.ec("secp256r1"), "{}"));

  private SigstoreBundle withEnvelope(String payloadType, int signatures) {
    DsseEnvelope.Signature one = signed.envelope().signatures().get(0);
    return new SigstoreBundle(
        signed.mediaType(),
        signed.material(),
        new DsseEnvelope(
            payloadType, signed.envelope().payload(), Collections.nCopies(signatures, one)));
  }

  @Test
  void inTotoPayloadWithOneSignaturePassesTheBundleOn() {
    assertThat(passed(check.check(signed))).isSameAs(signed);
  }

  @Test
  void anotherPayloadTypeIsRefusedByName() {
    List<Failure> failures = failed(check.check(withEnvelope("application/json", 1)));

    assertThat(failures)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.PAYLOAD_TYPE_UNSUPPORTED);
              assertThat(f.message())
                  .isEqualTo(
                      "envelope payloadType is 'application/json', expected "
                          + DsseEnvelope.IN_TOTO_PAYLOAD_TYPE);
            });
  }

  @Test
  void twoSignaturesAreRefusedBecauseOmsSignsOnce() {
    List<Failure> failures =
        failed(check.check(withEnvelope(DsseEnvelope.IN_TOTO_PAYLOAD_TYPE, 2)));

    assertThat(failures)
        .extracting(Failure::reason, Failure::message)
        .containsExactly(
            tuple(Reason.SIGNATURE_COUNT, "envelope has 2 signatures, expected exactly 1"));
  }

  @Test
  void bothProblemsOfOneEnvelopeAreReported() {
    List<Failure> failures = failed(check.check(withEnvelope("text/plain", 0)));

    assertThat(failures)
        .extracting(Failure::reason)
        .containsExactly(Reason.PAYLOAD_TYPE_UNSUPPORTED, Reason.SIGNATURE_COUNT);
  }

  @Test
  void payloadBytesAreCarriedUnchanged() {
    Bytes payload = passed(check.check(signed)).envelope().payload();

    assertThat(payload.toArray()).isEqualTo("{}".getBytes());
  }
}
