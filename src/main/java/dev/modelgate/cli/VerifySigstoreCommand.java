package dev.modelgate.cli;

import dev.modelgate.trust.KeylessIdentity;
import dev.modelgate.trust.SignatureVerifier;
import dev.modelgate.trust.SigstoreKeylessVerifier;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code modelgate verify sigstore}: model_signing's {@code verify sigstore} (keyless), offline:
 * the trusted root comes from the jar, {@code --trust-config} or {@code --trusted-root}, never the
 * network.
 */
@Command(
    name = "sigstore",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Verify a Sigstore keyless signature (model_signing's 'verify sigstore', its default method).",
      "The signer's certificate must name --identity and come from --identity-provider; the certificate chain, the transparency-log entry and any timestamps are checked against the trusted root, offline.",
      "Exit codes: 0 verified, 1 verification failed, 2 bad usage or unreadable input, 3 could not decide."
    })
final class VerifySigstoreCommand extends MethodVerifyCommand {
  @Option(
      names = "--identity",
      required = true,
      paramLabel = "IDENTITY",
      description = "The signer's identity (certificate SAN: email, URI or username), exactly.")
  String identity;

  @Option(
      names = "--identity-provider",
      required = true,
      paramLabel = "IDENTITY_PROVIDER",
      description = "The OIDC issuer, exactly (e.g. https://token.actions.githubusercontent.com).")
  String identityProvider;

  @Option(
      names = "--trust-config",
      paramLabel = "TRUST_CONFIG_PATH",
      description =
          "A Sigstore ClientTrustConfig (private Sigstore instances): its trustedRoot is used, its signingConfig ignored.")
  Path trustConfig;

  @Option(
      names = "--use-staging",
      description =
          "Sigstore's staging instance. No staging root ships with ModelGate: pass it with --trusted-root or --trust-config.")
  boolean useStaging;

  @Option(
      names = "--trusted-root",
      paramLabel = "JSON",
      description =
          "ModelGate: a Sigstore trusted_root.json instead (default: the embedded public-good root).")
  Path trustedRoot;

  @Override
  SignatureVerifier verifier() {
    return new SigstoreKeylessVerifier(
        KeylessTrust.root(trustedRoot, trustConfig, useStaging),
        List.of(KeylessIdentity.exact(identityProvider, identity)));
  }
}
