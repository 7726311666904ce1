package dev.modelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.testing.Cli;
import dev.modelgate.testing.Fixtures;
import dev.modelgate.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ModelTrustRoot can hold model_signing's ClientTrustConfig as {@code sigstore.trustConfig}; the
 * embedded mode ({@code serve --policies DIR}, here through {@code check}) verifies a real keyless
 * signature with its trusted root, and a trust root that names two sources is an error, not a
 * choice.
 */
class TrustConfigPolicyTest {
  @TempDir Path tmp;
  Path policies;
  Path pod;

  @BeforeEach
  void workload() {
    policies = tmp.resolve("policies");
    pod =
        TestModels.write(
            tmp.resolve("pod.yaml"),
            """
        apiVersion: v1
        kind: Pod
        metadata:
          name: llm-0
          namespace: inference
          annotations:
            model.modelgate.dev/sample: "file://%s"
        spec:
          containers: [{name: server, image: registry.example.com/llm-server:1.0}]
        """
                .formatted(Fixtures.oms("v1.0.0-sigstore")));
  }

  private void writePolicies(String trustRootSpec) {
    TestModels.write(
        policies.resolve("policies.yaml"),
        """
        apiVersion: modelgate.dev/v1alpha1
        kind: ModelTrustRoot
        metadata: {name: private-sigstore}
        spec:
        %s
        ---
        apiVersion: modelgate.dev/v1alpha1
        kind: ClusterModelPolicy
        metadata: {name: keyless-models}
        spec:
          match: {models: ["file://**"]}
          authorities:
            - name: ibm
              keyless:
                trustRootRef: private-sigstore
                identities: [{issuer: "https://sigstore.verify.ibm.com/oauth2", subject: "stefanb@us.ibm.com"}]
        """
            .formatted(trustRootSpec));
  }

  private static String indented(String text, int spaces) {
    return text.lines().map(l -> " ".repeat(spaces) + l).reduce((a, b) -> a + "\n" + b).orElse("");
  }

  private static String trustConfig() throws Exception {
    return "  sigstore:\n    trustConfig: |\n"
        + indented(Files.readString(Fixtures.oms("trust/custom_trust_config.json")), 6);
  }

  @Test
  void aModelTrustRootWithTheClientTrustConfigAdmitsTheSignedModel() throws Exception {
    writePolicies(trustConfig());

    Cli.Result r = Cli.run("check", "--policies", policies, pod);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err())
        .contains("ADMIT Pod inference/llm-0")
        .contains("ClusterModelPolicy/keyless-models");
  }

  @Test
  void trustConfigTogetherWithTrustedRootIsAPolicyErrorThatDenies() throws Exception {
    String root =
        Files.readString(
            Fixtures.shared().resolve("fixtures/sigstore/public-good-trusted_root.json"));
    writePolicies(trustConfig() + "\n    trustedRoot: |\n" + indented(root, 6));

    Cli.Result r = Cli.run("check", "--policies", policies, pod);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err())
        .contains("DENY")
        .contains(
            "ModelTrustRoot 'private-sigstore' sigstore has trustConfig and trustedRoot; give one");
  }

  @Test
  void aTrustConfigThatIsNotOneDeniesWithTheReason() throws Exception {
    writePolicies(
        "  sigstore:\n    trustConfig: '{\"mediaType\": \"application/vnd.dev.sigstore.clienttrustconfig.v0.1+json\"}'");

    Cli.Result r = Cli.run("check", "--policies", policies, pod);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err())
        .contains("DENY")
        .contains(
            "trust config of ModelTrustRoot 'private-sigstore' sigstore.trustConfig has no trustedRoot object");
  }
}
