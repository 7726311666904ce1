package dev.modelgate.verify;

import dev.modelgate.core.Failure;
import dev.modelgate.oms.SigstoreBundle;
import dev.modelgate.trust.PaeForm;
import dev.modelgate.trust.Signer;
import java.util.List;
import java.util.Objects;

/**
 * The signers of one bundle: the bundle, who signed it (as the first authority that accepted it
 * established), the PAE encoding the signature used, the policy authorities whose signature check
 * accepted it, and why the others refused it.
 */
record VerifiedSigners(
    SigstoreBundle bundle,
    Signer signer,
    PaeForm paeForm,
    List<String> authorities,
    List<Failure> refusals) {
  VerifiedSigners {
    Objects.requireNonNull(bundle, "bundle");
    Objects.requireNonNull(signer, "signer");
    Objects.requireNonNull(paeForm, "paeForm");
    authorities = List.copyOf(authorities);
    refusals = List.copyOf(refusals);
    if (authorities.isEmpty()) {
      throw new IllegalArgumentException("verified signers need an authority");
    }
  }
}
