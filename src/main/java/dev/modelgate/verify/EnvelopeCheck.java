package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.DsseEnvelope;
import dev.modelgate.oms.SigstoreBundle;
import java.util.ArrayList;
import java.util.List;

/**
 * The DSSE envelope carries an in-toto payload and exactly one signature (model_signing {@code
 * signing.py}; sigstore-java's DSSE check also insists on one). Both problems are reported.
 */
final class EnvelopeCheck {
  StepOutcome<SigstoreBundle> check(SigstoreBundle bundle) {
    DsseEnvelope env = bundle.envelope();
    List<Failure> failures = new ArrayList<>();
    if (!DsseEnvelope.IN_TOTO_PAYLOAD_TYPE.equals(env.payloadType())) {
      failures.add(
          Failure.of(
              Reason.PAYLOAD_TYPE_UNSUPPORTED,
              "envelope payloadType is '%s', expected %s",
              env.payloadType(),
              DsseEnvelope.IN_TOTO_PAYLOAD_TYPE));
    }
    if (env.signatures().size() != 1) {
      failures.add(
          Failure.of(
              Reason.SIGNATURE_COUNT,
              "envelope has %d signatures, expected exactly 1",
              env.signatures().size()));
    }
    return failures.isEmpty() ? StepOutcome.passed(bundle) : StepOutcome.failed(failures);
  }
}
