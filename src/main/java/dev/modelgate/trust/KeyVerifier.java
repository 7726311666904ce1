package dev.modelgate.trust;

import dev.modelgate.core.Failure;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.SigstoreBundle;
import dev.modelgate.oms.VerificationMaterial;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code key} method: trust is possession of one configured EC public key.
 *
 * <p>Stricter than the reference in one way, following OMS spec 7: the bundle must carry {@code
 * publicKey} material (the reference also accepts certificate bundles here). The {@code hint}, and
 * the PEM key in pre-1.1 {@code rawBytes}, must name the configured key when present: they are only
 * consistency checks, since trust never comes from the bundle.
 */
public final class KeyVerifier implements SignatureVerifier {
  private final PublicKey key;
  private final String hint;

  public KeyVerifier(PublicKey key) {
    EcCurve.of(key);
    this.key = key;
    this.hint = PublicKeyHint.of(key);
  }

  @Override
  public SigningMethod method() {
    return SigningMethod.KEY;
  }

  public String hint() {
    return hint;
  }

  @Override
  public SignerVerdict verify(SigstoreBundle bundle) {
    if (!(bundle.material() instanceof VerificationMaterial.PublicKey)) {
      return SignerVerdict.Rejected.wrongMaterial(bundle.material(), "a public key");
    }
    VerificationMaterial.PublicKey material = (VerificationMaterial.PublicKey) bundle.material();
    List<Failure> failures = new ArrayList<>();
    if (!material.hint().isEmpty() && !material.hint().equals(hint)) {
      failures.add(
          Failure.of(
              Reason.KEY_MISMATCH,
              "bundle was signed by the key with hint %s, expected %s",
              material.hint(),
              hint));
    }
    if (material.rawBytes().length() > 0 && !embeddedKeyMatches(material)) {
      failures.add(
          Failure.of(
              Reason.KEY_MISMATCH,
              "bundle names a different public key than the one given (%s)",
              hint));
    }
    DsseSignatureCheck.Result sig =
        DsseSignatureCheck.check(bundle.envelope(), key, "the given public key");
    if (sig.failure() != null) {
      failures.add(sig.failure());
    }
    if (!failures.isEmpty()) {
      return new SignerVerdict.Rejected(failures);
    }
    return new SignerVerdict.Verified(
        new Signer(SigningMethod.KEY, "sha256:" + hint, "", List.of()), sig.form().orElseThrow());
  }

  private boolean embeddedKeyMatches(VerificationMaterial.PublicKey material) {
    try {
      PublicKey embedded =
          PemReader.publicKey(
              new String(material.rawBytes().toArray(), StandardCharsets.US_ASCII),
              "bundle publicKey.rawBytes");
      return Arrays.equals(embedded.getEncoded(), key.getEncoded());
    } catch (InvalidInputException e) {
      return false;
    }
  }
}
