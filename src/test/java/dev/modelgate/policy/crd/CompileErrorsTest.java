package dev.modelgate.policy.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.modelgate.policy.CompileError;
import dev.modelgate.policy.CompileError.Kind;
import dev.modelgate.policy.CompiledPolicy;
import dev.modelgate.testing.TestKeys;
import io.fabric8.kubernetes.api.model.Condition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of problem the policy compiler rejects, each reported as a typed {@link CompileError}
 * at the field it is in, with its message; and the Ready condition made from them.
 */
class CompileErrorsTest {
  private static final String HEAD =
      "apiVersion: modelgate.dev/v1alpha1\nkind: ClusterModelPolicy\n";
  private static final String PEM = pem();
  private static final String KEY_AUTHORITY =
      "  authorities:\n    - name: k\n      key:\n        publicKey: |\n          "
          + PEM.strip().replace("\n", "\n          ")
          + "\n";
  private static final String CA_ROOT = caRoot();

  private static String pem() {
    try {
      Path f = Files.createTempFile("compile-errors", ".pub");
      TestKeys.writePem(f, TestKeys.ec("secp256r1").getPublic());
      return Files.readString(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String caRoot() {
    try {
      return "apiVersion: modelgate.dev/v1alpha1\nkind: ModelTrustRoot\nmetadata: {name: corp}\nspec:\n  certificateAuthorities: |\n    "
          + Files.readString(Path.of("testdata/keys/root.pem")).strip().replace("\n", "\n    ")
          + "\n---\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A ClusterModelPolicy "p" with {@code spec} (YAML lines under spec:). */
  private static String policy(String spec) {
    return HEAD + "metadata: {name: p}\nspec:\n" + spec;
  }

  private static List<CompileError> errors(String yaml) {
    List<CompiledPolicy> compiled =
        DirectoryPolicyStore.compileAll(
            PolicyDocuments.parse(yaml, "p.yaml"), PolicyCompiler.withEmbeddedPublicGoodRoot());
    assertThat(compiled).singleElement().satisfies(p -> assertThat(p.ready()).isFalse());
    return compiled.get(0).errors();
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        Arguments.of(
            "CEL condition that does not compile",
            policy(
                KEY_AUTHORITY
                    + "  attestations:\n    - {name: eval, predicateType: 'https://x', condition: 'predicate.score >'}\n"),
            "spec.attestations[0].condition",
            Kind.CEL_INVALID,
            "condition does not compile"),
        Arguments.of(
            "trustRootRef naming no ModelTrustRoot",
            policy("  authorities:\n    - name: ca\n      certificate: {trustRootRef: nowhere}\n"),
            "spec.authorities[0].certificate.trustRootRef",
            Kind.TRUST_ROOT_UNKNOWN,
            "'nowhere' names no ModelTrustRoot"),
        Arguments.of(
            "malformed PEM key",
            policy("  authorities:\n    - name: k\n      key: {publicKey: 'not a key'}\n"),
            "spec.authorities[0].key.publicKey",
            Kind.PEM_INVALID,
            "authority 'k' key holds no PEM public key"),
        Arguments.of(
            "unknown selector operator",
            policy(
                "  match: {workloadSelector: {matchExpressions: [{key: app, operator: Sideways}]}}\n"
                    + KEY_AUTHORITY),
            "spec.match.workloadSelector.matchExpressions[0].operator",
            Kind.SELECTOR_INVALID,
            "unknown operator 'Sideways' (In, NotIn, Exists, DoesNotExist)"),
        Arguments.of(
            "selector requirement with values where none go",
            policy(
                "  match: {namespaceSelector: {matchExpressions: [{key: team, operator: Exists, values: [a]}]}}\n"
                    + KEY_AUTHORITY),
            "spec.match.namespaceSelector.matchExpressions[0]",
            Kind.SELECTOR_INVALID,
            "EXISTS takes no values"),
        Arguments.of(
            "empty model glob",
            policy("  match: {models: ['oci://ok/**', '']}\n" + KEY_AUTHORITY),
            "spec.match.models[1]",
            Kind.GLOB_INVALID,
            "a model glob must not be empty"),
        Arguments.of(
            "empty file glob",
            policy(KEY_AUTHORITY + "  files: {deny: ['']}\n"),
            "spec.files.deny[0]",
            Kind.GLOB_INVALID,
            "must not be empty"),
        Arguments.of(
            "threshold above the number of authorities",
            policy(KEY_AUTHORITY + "  signatures: {threshold: 2}\n"),
            "spec.signatures.threshold",
            Kind.VALUE_INVALID,
            "is 2, but must be from 1 to the number of authorities (1)"),
        Arguments.of(
            "no authorities",
            policy("  authorities: []\n"),
            "spec.authorities",
            Kind.FIELD_MISSING,
            "the policy lists no authorities"),
        Arguments.of(
            "authority without a name",
            policy(KEY_AUTHORITY.replace("- name: k\n      key", "- key")),
            "spec.authorities[0].name",
            Kind.FIELD_MISSING,
            "an authority needs a name"),
        Arguments.of(
            "two authorities with one name",
            policy(KEY_AUTHORITY + KEY_AUTHORITY.substring("  authorities:\n".length())),
            "spec.authorities[1].name",
            Kind.NAME_DUPLICATE,
            "'k' names two authorities"),
        Arguments.of(
            "authority with two methods",
            policy(KEY_AUTHORITY + "      keyless: {identities: [{issuer: i, subject: s}]}\n"),
            "spec.authorities[0]",
            Kind.FIELD_CONFLICT,
            "authority 'k' must have exactly one of key, certificate, keyless (has 2)"),
        Arguments.of(
            "regular expression that does not compile",
            CA_ROOT
                + policy(
                    "  authorities:\n    - name: ca\n      certificate: {trustRootRef: corp, sanRegExp: '(['}\n"),
            "spec.authorities[0].certificate.sanRegExp",
            Kind.REGEX_INVALID,
            "the SAN regular expression '([' does not compile"),
        Arguments.of(
            "trust root that is itself broken",
            HEAD.replace("ClusterModelPolicy", "ModelTrustRoot")
                + "metadata: {name: corp}\nspec: {certificateAuthorities: 'nope'}\n---\n"
                + policy(
                    "  authorities:\n    - name: ca\n      certificate: {trustRootRef: corp}\n"),
            "spec.authorities[0].certificate.trustRootRef",
            Kind.TRUST_ROOT_INVALID,
            "ModelTrustRoot 'corp' is invalid: spec.certificateAuthorities: ModelTrustRoot 'corp'"
                + " holds no PEM certificate"),
        Arguments.of(
            "attestation rule naming an authority the policy lacks",
            policy(
                KEY_AUTHORITY
                    + "  attestations:\n    - {name: eval, predicateType: 'https://x', authorities: [k, other]}\n"),
            "spec.attestations[0].authorities[1]",
            Kind.AUTHORITY_UNKNOWN,
            "'other' is not one of this policy's authorities [k]"),
        Arguments.of(
            "ignore path that climbs out of the model",
            policy(KEY_AUTHORITY + "  verification: {ignorePaths: ['../etc']}\n"),
            "spec.verification.ignorePaths[0]",
            Kind.PATH_INVALID,
            ".."),
        Arguments.of(
            "misspelt field",
            policy(KEY_AUTHORITY + "  verificaton: {}\n"),
            "spec.verificaton",
            Kind.FIELD_UNKNOWN,
            "unknown field"),
        Arguments.of(
            "text that is not YAML",
            "kind: [unclosed\n",
            "",
            Kind.DOCUMENT_UNREADABLE,
            "p.yaml is not valid YAML"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void eachProblemIsATypedErrorAtItsField(
      String name, String yaml, String path, Kind kind, String message) {
    List<CompileError> errors = errors(yaml);

    assertThat(errors)
        .anySatisfy(
            e -> {
              assertThat(e.kind()).isEqualTo(kind);
              assertThat(e.path().map(Object::toString).orElse("")).isEqualTo(path);
              assertThat(e.message()).contains(message);
              assertThat(e.toString()).isEqualTo((path.isEmpty() ? "" : path + ": ") + e.message());
            });
  }

  static Stream<Arguments> alsoRejected() {
    return Stream.of(
        Arguments.of(
            "keyless identity with an issuer and an issuerRegExp",
            policy(
                "  authorities:\n    - name: ci\n      keyless: {identities: [{issuer: a, issuerRegExp: b, subject: s}]}\n"),
            "spec.authorities[0].keyless.identities[0]",
            Kind.FIELD_CONFLICT,
            "exactly one of issuer and issuerRegExp"),
        Arguments.of(
            "keyless trust root without a Sigstore root",
            CA_ROOT
                + policy(
                    "  authorities:\n    - name: ci\n      keyless: {trustRootRef: corp, identities: [{issuer: i, subject: s}]}\n"),
            "spec.authorities[0].keyless.trustRootRef",
            Kind.TRUST_ROOT_INVALID,
            "ModelTrustRoot 'corp' has no sigstore trusted root"),
        Arguments.of(
            "key authority without a publicKey",
            policy("  authorities:\n    - name: k\n      key: {}\n"),
            "spec.authorities[0].key.publicKey",
            Kind.FIELD_MISSING,
            "authority 'k' has no publicKey"),
        Arguments.of(
            "lineage maxDepth out of range",
            policy(KEY_AUTHORITY + "  lineage: {authorities: [k], maxDepth: 11}\n"),
            "spec.lineage.maxDepth",
            Kind.VALUE_INVALID,
            "must be from 1 to 10, not 11"),
        Arguments.of(
            "lineage naming an authority the policy lacks",
            policy(KEY_AUTHORITY + "  lineage: {authorities: [base]}\n"),
            "spec.lineage.authorities[0]",
            Kind.AUTHORITY_UNKNOWN,
            "'base' is not one of this policy's authorities [k]"),
        Arguments.of(
            "attestation rule without a predicateType",
            policy(KEY_AUTHORITY + "  attestations:\n    - {name: eval}\n"),
            "spec.attestations[0]",
            Kind.FIELD_MISSING,
            "an attestation rule needs a name and a predicateType"),
        Arguments.of(
            "image model path that is not absolute",
            policy(KEY_AUTHORITY + "  verification: {imageModelPath: models}\n"),
            "spec.verification.imageModelPath",
            Kind.PATH_INVALID,
            "must be an absolute directory below /"),
        Arguments.of(
            "empty serializations",
            policy(KEY_AUTHORITY + "  verification: {serializations: []}\n"),
            "spec.verification.serializations",
            Kind.VALUE_INVALID,
            "is empty; omit it to accept both files and shards"),
        Arguments.of(
            "a value of the wrong type",
            policy(KEY_AUTHORITY + "  signatures: {threshold: many}\n"),
            "spec.signatures.threshold",
            Kind.VALUE_INVALID,
            "invalid value"),
        Arguments.of(
            "a policy with no spec",
            HEAD + "metadata: {name: p}\n",
            "spec",
            Kind.FIELD_MISSING,
            "the policy has no spec"),
        Arguments.of(
            "a policy of another API version",
            HEAD.replace("v1alpha1", "v1") + "metadata: {name: p}\nspec: {}\n",
            "apiVersion",
            Kind.VALUE_INVALID,
            "ClusterModelPolicy 'p' in p.yaml must have apiVersion modelgate.dev/v1alpha1"),
        Arguments.of(
            "a policy with no name",
            HEAD + "metadata: {}\nspec: {}\n",
            "metadata.name",
            Kind.FIELD_MISSING,
            "a ClusterModelPolicy in p.yaml has no name"),
        Arguments.of(
            "a namespaceSelector in a ModelPolicy",
            HEAD.replace("ClusterModelPolicy", "ModelPolicy")
                + "metadata: {name: p, namespace: ml}\nspec:\n  match: {namespaceSelector: {}}\n"
                + KEY_AUTHORITY,
            "spec.match.namespaceSelector",
            Kind.FIELD_CONFLICT,
            "is only allowed in a ClusterModelPolicy"),
        Arguments.of(
            "a ModelPolicy without a namespace",
            HEAD.replace("ClusterModelPolicy", "ModelPolicy")
                + "metadata: {name: p}\nspec:\n"
                + KEY_AUTHORITY,
            "metadata.namespace",
            Kind.FIELD_MISSING,
            "a ModelPolicy needs a namespace"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("alsoRejected")
  void otherProblemsAreTypedErrorsAtTheirFieldsToo(
      String name, String yaml, String path, Kind kind, String message) {
    eachProblemIsATypedErrorAtItsField(name, yaml, path, kind, message);
  }

  @Test
  void everyKindOfCompileErrorHasACase() {
    Set<Kind> covered =
        Stream.concat(rejected(), alsoRejected())
            .map(a -> (Kind) a.get()[3])
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(Kind.class)));

    assertThat(covered).containsExactlyInAnyOrder(Kind.values());
  }

  @Test
  void trustRootProblemsAreAtTheirFields() {
    PolicyCompiler compiler = PolicyCompiler.withEmbeddedPublicGoodRoot();
    String root = HEAD.replace("ClusterModelPolicy", "ModelTrustRoot") + "metadata: {name: r}\n";

    List<CompileError> neither = compile(compiler, root + "spec: {}\n");
    List<CompileError> both =
        compile(compiler, root + "spec: {sigstore: {trustConfig: '{}', trustedRoot: '{}'}}\n");
    List<CompileError> none = compile(compiler, root + "spec: {sigstore: {}}\n");
    List<CompileError> garbage = compile(compiler, root + "spec: {sigstore: {trustedRoot: 'x'}}\n");

    assertThat(neither)
        .containsExactly(
            CompileError.at(
                "spec",
                Kind.FIELD_MISSING,
                "ModelTrustRoot 'r' has neither certificateAuthorities nor sigstore"));
    assertThat(both)
        .containsExactly(
            CompileError.at(
                "spec.sigstore.trustConfig",
                Kind.FIELD_CONFLICT,
                "ModelTrustRoot 'r' sigstore has trustConfig and trustedRoot; give one"));
    assertThat(none)
        .extracting(e -> e.path().orElseThrow().toString(), CompileError::kind)
        .containsExactly(tuple("spec.sigstore.trustedRoot", Kind.FIELD_MISSING));
    assertThat(garbage)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.TRUST_ROOT_INVALID);
              assertThat(e.path().orElseThrow()).hasToString("spec.sigstore.trustedRoot");
            });
  }

  private static List<CompileError> compile(PolicyCompiler compiler, String yaml) {
    ModelTrustRoot r = (ModelTrustRoot) PolicyDocuments.parse(yaml, "r.yaml").get(0).resource();
    return compiler.compileTrustRoot(r, null).errors();
  }

  @Test
  void theReadyConditionListsTenErrorsAtTheirFieldsThenHowManyMore() {
    String globs = "['', '', '', '', '', '', '', '', '', '', '', '']";
    CompiledPolicy p =
        DirectoryPolicyStore.compileAll(
                PolicyDocuments.parse(
                    policy("  match: {models: " + globs + "}\n" + KEY_AUTHORITY), "p"),
                PolicyCompiler.withEmbeddedPublicGoodRoot())
            .get(0);

    Condition ready = PolicyStatus.of(p, 4L, Instant.EPOCH).conditions.get(0);

    assertThat(ready.getType()).isEqualTo("Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("CompileError");
    assertThat(ready.getObservedGeneration()).isEqualTo(4L);
    assertThat(ready.getMessage())
        .startsWith("spec.match.models[0]: a model glob must not be empty; spec.match.models[1]: ")
        .contains("spec.match.models[9]: a model glob must not be empty; and 2 more")
        .doesNotContain("models[10]");
  }

  @Test
  void aCompiledPolicyIsReadyWithCompiled() {
    CompiledPolicy p =
        DirectoryPolicyStore.compileAll(
                PolicyDocuments.parse(policy(KEY_AUTHORITY), "p"),
                PolicyCompiler.withEmbeddedPublicGoodRoot())
            .get(0);

    Condition ready = PolicyStatus.of(p, 1L, Instant.EPOCH).conditions.get(0);

    assertThat(p.errors()).isEmpty();
    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getReason()).isEqualTo("Compiled");
    assertThat(ready.getMessage()).isEqualTo("policy compiled");
  }
}
