package dev.modelgate.policy.crd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.FieldPath;
import dev.modelgate.policy.CompileError;
import dev.modelgate.policy.CompileError.Kind;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a policy that does not compile still matches: it denies there, so its reach must be right.
 */
class PolicyCompilerTest {
  private static final String KEY =
      "-----BEGIN PUBLIC KEY-----\\n"
          + "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE7f0Zk1yqgYk3zJ0m0vJ5o1Vq2CFVbnQvQ2pM2B5l7m4a2Mb0dKQ4GxwZ8m6q3y5dQk7m1XzgV3a9n6o6v0a7xQ==\\n"
          + "-----END PUBLIC KEY-----\\n";

  private static CompiledPolicy compile(String spec) {
    String yaml =
        "apiVersion: modelgate.dev/v1alpha1\nkind: ClusterModelPolicy\nmetadata: {name: p}\nspec:\n"
            + spec;
    return DirectoryPolicyStore.compileAll(
            PolicyDocuments.parse(yaml, "test"), PolicyCompiler.withEmbeddedPublicGoodRoot())
        .get(0);
  }

  private static boolean matches(CompiledPolicy p, String uri) {
    return p.match().matches(Map.of(), Map.of(), uri);
  }

  @Test
  void brokenAuthorityKeepsThePolicysOwnMatch() {
    CompiledPolicy p =
        compile(
            "  match: {models: ['oci://registry.example/models/**']}\n  authorities:\n    - name: k\n      key: {publicKey: 'not a key'}\n");

    assertThat(p.ready()).isFalse();
    assertThat(matches(p, "oci://registry.example/models/llm:1")).isTrue();
    assertThat(matches(p, "oci://elsewhere.example/other:1")).isFalse();
  }

  @Test
  void brokenMatchMatchesEverythingSoItDeniesRatherThanVanishes() {
    CompiledPolicy p =
        compile(
            "  match:\n    models: ['oci://registry.example/models/**']\n    workloadSelector: {matchExpressions: [{key: app, operator: Sideways}]}\n"
                + "  authorities:\n    - name: k\n      key: {publicKey: \""
                + KEY
                + "\"}\n");

    assertThat(p.ready()).isFalse();
    assertThat(p.errors())
        .anySatisfy(
            e ->
                assertThat(e.path())
                    .hasValue(
                        FieldPath.of("spec.match.workloadSelector.matchExpressions[0].operator")));
    assertThat(matches(p, "oci://elsewhere.example/other:1")).isTrue();
  }

  @Test
  void errorsOfSeveralFieldsAreAllReported() {
    CompiledPolicy p =
        compile(
            "  match: {workloadSelector: {matchExpressions: [{key: app, operator: Sideways}]}}\n  signatures: {threshold: 3}\n"
                + "  authorities:\n    - name: k\n      key: {publicKey: 'not a key'}\n");

    assertThat(p.errors()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(p.errors())
        .extracting(CompileError::kind)
        .contains(Kind.SELECTOR_INVALID, Kind.PEM_INVALID);
  }

  private static String identity(String yaml) {
    return DirectoryPolicyStore.compileAll(
            PolicyDocuments.parse(yaml, "test"), PolicyCompiler.withEmbeddedPublicGoodRoot())
        .stream()
        .filter(CompiledPolicy::ready)
        .findFirst()
        .orElseThrow()
        .verification()
        .orElseThrow()
        .identity();
  }

  private static String certificatePolicyWithRoot(String pem) {
    return "apiVersion: modelgate.dev/v1alpha1\nkind: ModelTrustRoot\nmetadata: {name: corp}\nspec:\n  certificateAuthorities: |\n    "
        + pem.strip().replace("\n", "\n    ")
        + "\n---\n"
        + "apiVersion: modelgate.dev/v1alpha1\nkind: ClusterModelPolicy\nmetadata: {name: corp}\nspec:\n  authorities:\n    - name: ca\n      certificate: {trustRootRef: corp}\n";
  }

  @Test
  void cacheIdentityStaysForTheSameContentAndChangesWithThePolicyOrItsTrustRoot() throws Exception {
    String root = Files.readString(Path.of("testdata/keys/root.pem"));
    Path otherPem = Files.createTempFile("other-root", ".pem");
    TestKeys.writePem(otherPem, new TestPki("other").root);
    String other = Files.readString(otherPem);

    String first = identity(certificatePolicyWithRoot(root));

    assertThat(identity(certificatePolicyWithRoot(root)))
        .as("recompiled, unchanged")
        .isEqualTo(first);
    assertThat(identity(certificatePolicyWithRoot(other)))
        .as("trust root rotated")
        .isNotEqualTo(first);
    assertThat(
            identity(
                certificatePolicyWithRoot(root)
                    .replace("trustRootRef: corp}", "trustRootRef: corp, sanRegExp: 'x'}")))
        .as("policy edited")
        .isNotEqualTo(first);
    assertThat(first).startsWith("ClusterModelPolicy/corp@");
  }
}
