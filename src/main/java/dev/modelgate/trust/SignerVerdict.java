package dev.modelgate.trust;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oms.VerificationMaterial;
import java.util.List;
import java.util.Objects;

/** The outcome of checking a bundle's signature and signer. */
public sealed interface SignerVerdict {

  /** The signature verified and the signer met every constraint. */
  record Verified(Signer signer, PaeForm paeForm) implements SignerVerdict {
    public Verified {
      Objects.requireNonNull(signer, "signer");
      Objects.requireNonNull(paeForm, "paeForm");
    }
  }

  /** At least one check failed; every failure found is listed. */
  record Rejected(List<Failure> failures) implements SignerVerdict {
    public Rejected {
      failures = List.copyOf(failures);
      if (failures.isEmpty()) {
        throw new IllegalArgumentException("a rejection needs at least one failure");
      }
    }

    /** The bundle was made with another signing method than the verifier was configured for. */
    public static Rejected wrongMaterial(VerificationMaterial material, String configured) {
      return new Rejected(
          List.of(
              Failure.of(
                  Reason.VERIFICATION_MATERIAL_MISMATCH,
                  "bundle carries %s material, but %s was given; verify it with the method it was signed with",
                  material.field(),
                  configured)));
    }
  }
}
