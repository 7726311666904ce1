package dev.modelgate.trust;

import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.DsseEnvelope;
import dev.modelgate.oms.Pae;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Optional;

/**
 * Verifies the one DSSE signature of an envelope with an EC key over the exact PAE bytes: first
 * DSSE v1 PAE with the curve's hash, then model_signing v0.2.0's encoding with SHA-256 (which that
 * version used whatever the curve; oms-format.md section 5).
 */
final class DsseSignatureCheck {
  private DsseSignatureCheck() {}

  /** The form that verified, or a failure naming what was checked. */
  static Result check(DsseEnvelope envelope, PublicKey key, String signerName) {
    if (envelope.signatures().size() != 1) {
      return new Result(
          Optional.empty(),
          Failure.of(
              Reason.SIGNATURE_COUNT,
              "envelope has %d signatures, expected exactly 1",
              envelope.signatures().size()));
    }
    byte[] sig = envelope.signatures().get(0).sig().toArray();
    byte[] payload = envelope.payload().toArray();
    EcCurve curve;
    try {
      curve = EcCurve.of(key);
    } catch (InvalidInputException e) {
      // The key may come from a certificate in an untrusted bundle: an unsupported key is a failed
      // signature, never an exception that would abort the caller's other checks.
      return new Result(
          Optional.empty(),
          Failure.of(Reason.KEY_UNSUPPORTED, "%s: %s", signerName, e.getMessage()));
    }
    if (verifies(
        curve.jcaSignatureAlgorithm(), key, Pae.encode(envelope.payloadType(), payload), sig)) {
      return new Result(Optional.of(PaeForm.STANDARD), null);
    }
    if (verifies(
        "SHA256withECDSA", key, Pae.encodeLegacyV02(envelope.payloadType(), payload), sig)) {
      return new Result(Optional.of(PaeForm.LEGACY_V02), null);
    }
    return new Result(
        Optional.empty(),
        Failure.of(Reason.SIGNATURE_INVALID, "DSSE signature does not verify with %s", signerName));
  }

  private static boolean verifies(String algorithm, PublicKey key, byte[] data, byte[] sig) {
    try {
      Signature s = Signature.getInstance(algorithm);
      s.initVerify(key);
      s.update(data);
      return s.verify(sig);
    } catch (GeneralSecurityException | RuntimeException e) {
      // A malformed DER signature is just a signature that does not verify.
      return false;
    }
  }

  record Result(Optional<PaeForm> form, Failure failure) {}
}
