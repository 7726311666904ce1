package dev.modelgate.policy.crd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.policy.CompileError;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.policy.ModelGlob;
import dev.modelgate.policy.ServingRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code spec.claimWriters} compiles to the writers a policy lets mount its model claims; each
 * entry says whom and which claims in full, and every mistake is an error at its field (the policy
 * then denies what it matches, as any policy that does not compile).
 */
class ClaimWritersCompilerTest {
  private static CompiledPolicy compile(String kind, String spec) throws Exception {
    String key =
        Files.readString(Path.of("testdata/keys/signer.pub")).strip().replace("\n", "\n          ");
    String yaml =
        "apiVersion: modelgate.dev/v1alpha1\nkind: "
            + kind
            + "\nmetadata: {name: p, namespace: ml}\nspec:\n"
            + "  match: {models: ['pvc://models-*/**']}\n"
            + "  authorities:\n    - name: k\n      key:\n        publicKey: |\n          "
            + key
            + "\n"
            + spec;
    return DirectoryPolicyStore.compileAll(
            PolicyDocuments.parse(yaml, "test"), PolicyCompiler.withEmbeddedPublicGoodRoot())
        .get(0);
  }

  @Test
  void aWriterEntryCompilesToItsSelectorsAndClaimGlobs() throws Exception {
    CompiledPolicy p =
        compile(
            "ClusterModelPolicy",
            "  claimWriters:\n"
                + "    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kserve-localmodel-jobs}}\n"
                + "      workloadSelector: {}\n      claims: ['models-*']\n"
                + "    - workloadSelector: {matchLabels: {app: downloader}}\n      claims: [cache]\n");

    assertThat(p.ready()).as(p.errors().toString()).isTrue();
    ServingRules s = p.serving();
    Map<String, String> jobs = Map.of("kubernetes.io/metadata.name", "kserve-localmodel-jobs");
    Map<String, String> ml = Map.of("kubernetes.io/metadata.name", "ml");
    assertThat(s.claimWriters()).hasSize(2);
    assertThat(s.writerAllowed(jobs, Map.of(), "models-a")).isTrue();
    assertThat(s.writerAllowed(ml, Map.of(), "models-a")).isFalse();
    assertThat(s.writerAllowed(ml, Map.of("app", "downloader"), "cache")).isTrue();
    assertThat(s.writerAllowed(ml, Map.of("app", "downloader"), "models-a")).isFalse();
    assertThat(p.match().namesClaim("models-a")).isTrue();
    assertThat(p.match().namesClaim("postgres")).isFalse();
  }

  @Test
  void everyMistakeIsAnErrorAtItsField() throws Exception {
    CompiledPolicy p =
        compile(
            "ModelPolicy",
            "  claimWriters:\n"
                + "    - namespaceSelector: {matchLabels: {team: a}}\n      claims: ['models/llama', 'Models', '*']\n"
                + "    - workloadSelector: {matchExpressions: [{key: app, operator: Sideways}]}\n"
                + "    - workloadSelector: {}\n      claims: []\n");

    assertThat(p.ready()).isFalse();
    assertThat(p.errors())
        .extracting(CompileError::toString)
        .containsExactly(
            "spec.claimWriters[0].namespaceSelector: is only allowed in a ClusterModelPolicy; a ModelPolicy applies in its own namespace",
            "spec.claimWriters[0].workloadSelector: a claim writer names the workloads that may write ({} for every workload, written out)",
            "spec.claimWriters[0].claims[0]: 'models/llama' is not a claim name glob (lowercase letters, digits, '-', '.', with '*' and '?')",
            "spec.claimWriters[0].claims[1]: 'Models' is not a claim name glob (lowercase letters, digits, '-', '.', with '*' and '?')",
            "spec.claimWriters[1].claims: a claim writer names the claims it may write (\"*\" for every claim, written out)",
            "spec.claimWriters[1].workloadSelector.matchExpressions[0].operator: unknown operator 'Sideways' (In, NotIn, Exists, DoesNotExist)",
            "spec.claimWriters[2].claims: a claim writer names the claims it may write (\"*\" for every claim, written out)");
  }

  @Test
  void aPvcGlobNamesTheClaimsItsClaimSegmentMatches() {
    assertThat(ModelGlob.compile("pvc://**").namesClaim("anything")).isTrue();
    assertThat(ModelGlob.compile("pvc://m?dels/**").namesClaim("models")).isTrue();
    assertThat(ModelGlob.compile("pvc://models").namesClaim("models")).isTrue();
    assertThat(ModelGlob.compile("pvc://models").namesClaim("models-2")).isFalse();
    assertThat(ModelGlob.compile("**").namesClaim("models"))
        .as("a glob over every model names no claim by name")
        .isFalse();
    assertThat(ModelGlob.compile("volume://models/**").namesClaim("models")).isFalse();
  }
}
