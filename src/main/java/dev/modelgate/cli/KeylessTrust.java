package dev.modelgate.cli;

import dev.modelgate.core.InvalidInputException;
import dev.modelgate.core.Reason;
import dev.modelgate.trust.SigstoreTrustRoot;
import java.nio.file.Path;

/** Which Sigstore trusted root a keyless verification uses, from the flags of either grammar. */
final class KeylessTrust {
  /**
   * Staging's TUF repository, where its trusted_root.json is a target (sigstore-python's staging
   * default).
   */
  static final String STAGING_TUF = "https://tuf-repo-cdn.sigstage.dev";

  private KeylessTrust() {}

  /**
   * {@code --trust-config} wins over {@code --use-staging}, as in model_signing's verifier
   * (src/model_signing/_signing/sign_sigstore.py @ e3430730: {@code if trust_config: … elif
   * use_staging}). Without either, the public-good root embedded in the jar; nothing is ever
   * fetched.
   */
  static SigstoreTrustRoot root(Path trustedRoot, Path trustConfig, boolean useStaging) {
    if (trustedRoot != null && trustConfig != null) {
      throw new InvalidInputException(
          Reason.TRUST_ROOT_INVALID,
          "--trusted-root and --trust-config both name a trusted root; give one");
    }
    if (trustedRoot != null) {
      return SigstoreTrustRoot.fromFile(trustedRoot);
    }
    if (trustConfig != null) {
      return SigstoreTrustRoot.fromClientTrustConfigFile(trustConfig);
    }
    if (useStaging) {
      throw new InvalidInputException(
          Reason.TRUST_ROOT_INVALID,
          "--use-staging: no Sigstore staging trusted root ships with ModelGate; pass staging's trusted_root.json (a target of "
              + STAGING_TUF
              + ") with --trusted-root FILE, or a ClientTrustConfig holding it with --trust-config FILE");
    }
    return SigstoreTrustRoot.publicGood();
  }
}
