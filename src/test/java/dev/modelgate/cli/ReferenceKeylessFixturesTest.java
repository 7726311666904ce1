package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.testing.Cli;
import dev.modelgate.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The four real public-good keyless OMS signatures (model_signing 0.3.1 to 1.1.0) verify offline
 * with the public-good trusted root and the fixture README's identity, and with no other.
 */
class ReferenceKeylessFixturesTest {
  static final String IDENTITY = "stefanb@us.ibm.com";
  static final String ISSUER = "https://sigstore.verify.ibm.com/oauth2";

  private static Cli.Result verify(String dir, boolean sharedRoot, String identity, String issuer) {
    Path model = Fixtures.oms(dir);
    List<Object> args =
        new ArrayList<>(
            List.of("verify", model, "--identity", identity, "--identity-provider", issuer));
    if (sharedRoot) {
      args.addAll(
          List.of(
              "--trusted-root",
              Fixtures.shared().resolve("fixtures/sigstore/public-good-trusted_root.json")));
    }
    if (model.resolve("ignore-me").toFile().exists()) {
      args.addAll(List.of("--ignore-paths", model.resolve("ignore-me")));
    }
    return Cli.run(args.toArray());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"v0.3.1-sigstore", "v1.0.0-sigstore", "v1.0.1-sigstore", "v1.1.0-sigstore"})
  void realKeylessSignatureVerifiesOffline(String dir) {
    Cli.Result r = verify(dir, true, IDENTITY, ISSUER);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err()).contains("signed by " + IDENTITY + " (keyless)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v0.3.1-sigstore", "v1.1.0-sigstore"})
  void realKeylessSignatureVerifiesWithTheEmbeddedPublicGoodRoot(String dir) {
    assertThat(verify(dir, false, IDENTITY, ISSUER).exitCode()).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"v0.3.1-sigstore", "v1.0.0-sigstore", "v1.0.1-sigstore", "v1.1.0-sigstore"})
  void realKeylessSignatureFailsForAnotherIdentity(String dir) {
    Cli.Result r = verify(dir, true, "someone@us.ibm.com", ISSUER);

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .contains("IDENTITY_MISMATCH: signer 'stefanb@us.ibm.com' (issuer '" + ISSUER + "')");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"v0.3.1-sigstore", "v1.0.0-sigstore", "v1.0.1-sigstore", "v1.1.0-sigstore"})
  void realKeylessSignatureFailsForAnotherIssuer(String dir) {
    Cli.Result r = verify(dir, true, IDENTITY, "https://accounts.google.com");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("IDENTITY_MISMATCH");
  }
}
