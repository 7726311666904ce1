package dev.modelgate.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.policy.LabelSelector;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The typed model of {@code wgpolicyk8s.io/v1alpha2}: it round-trips through its API form, reads a
 * report shaped as the published field list allows (another engine's, with server metadata), and
 * refuses reports the API or its summary rule would not hold.
 */
class PolicyReportModelTest {
  static final ObjectReference DEPLOYMENT =
      ObjectReference.of(
          "apps/v1", "Deployment", "ml", "llm", "3f1c2a9e-0000-4000-8000-000000000001");

  static PolicyReportResult result(PolicyResult outcome, String model) {
    return new PolicyReportResult(
        "modelgate",
        "ClusterModelPolicy/signed",
        model,
        "Model signing",
        Optional.of(PolicyResultSeverity.HIGH),
        Instant.parse("2026-12-01T10:00:00.123456789Z"),
        outcome,
        outcome != PolicyResult.WARN,
        List.of(DEPLOYMENT),
        Optional.empty(),
        "model '" + model + "' " + outcome.wire(),
        Map.of("modelUri", "oci://registry.example/models/" + model + ":1", "mode", "Enforce"));
  }

  private static PolicyReport everyField() {
    PolicyReportResult selected =
        new PolicyReportResult(
            "",
            "ModelPolicy/ml/gpu",
            "",
            "",
            Optional.empty(),
            Instant.ofEpochSecond(0),
            PolicyResult.SKIP,
            false,
            List.of(),
            Optional.of(
                new LabelSelector(
                    Map.of("app", "llm"),
                    List.of(
                        new LabelSelector.Requirement(
                            "tier", LabelSelector.Operator.NOT_IN, Set.of("cpu", "edge")),
                        new LabelSelector.Requirement(
                            "gpu", LabelSelector.Operator.EXISTS, Set.of())))),
            "",
            Map.of());
    return PolicyReport.of(
        PolicyReport.Kind.POLICY_REPORT,
        "modelgate",
        "ml",
        Map.of("app.kubernetes.io/managed-by", "modelgate"),
        Map.of("modelgate.dev/results-omitted", "2"),
        Optional.of(ObjectReference.of("v1", "Namespace", "", "ml", "")),
        List.of(
            result(PolicyResult.PASS, "a"),
            result(PolicyResult.FAIL, "b"),
            result(PolicyResult.WARN, "c"),
            result(PolicyResult.ERROR, "d"),
            selected));
  }

  @Test
  void reportWithEveryFieldRoundTripsThroughJsonAndYaml() {
    PolicyReport report = everyField();

    PolicyReport fromTree = PolicyReportJson.parse(PolicyReportJson.toTree(report));
    PolicyReport fromYaml = PolicyReportJson.parse(PolicyReportJson.toYaml(List.of(report)));

    assertThat(fromTree).isEqualTo(report);
    assertThat(fromYaml).isEqualTo(report);
    assertThat(report.summary()).isEqualTo(new PolicyReportSummary(1, 1, 1, 1, 1));
  }

  @Test
  void stringsThatLookLikeOtherYamlValuesStayStrings() {
    Map<String, String> tricky = new TreeMap<>();
    for (String v :
        List.of(
            "2",
            "1e3",
            "0x1F",
            "0o17",
            "true",
            "yes",
            "no",
            "on",
            "off",
            "null",
            "~",
            "",
            "- a",
            "a: b",
            "#x",
            "'q'",
            "\"d\"",
            "12:30",
            "2026-12-01",
            ".inf",
            "line\nbreak")) {
      tricky.put("k" + tricky.size(), v);
    }
    PolicyReport report =
        PolicyReport.of(
            PolicyReport.Kind.POLICY_REPORT,
            "modelgate",
            "ml",
            Map.of(),
            tricky,
            Optional.empty(),
            List.of());

    assertThat(PolicyReportJson.parse(PolicyReportJson.toYaml(List.of(report)))).isEqualTo(report);
  }

  @Test
  void clusterReportRoundTripsWithoutNamespaceOrScope() {
    PolicyReport report =
        PolicyReport.of(
            PolicyReport.Kind.CLUSTER_POLICY_REPORT,
            "modelgate",
            "",
            Map.of(),
            Map.of(),
            Optional.empty(),
            List.of(result(PolicyResult.FAIL, "a")));

    ObjectNode tree = PolicyReportJson.toTree(report);

    assertThat(tree.path("kind").asText()).isEqualTo("ClusterPolicyReport");
    assertThat(tree.path("metadata").has("namespace")).isFalse();
    assertThat(tree.has("scope")).isFalse();
    assertThat(PolicyReportJson.parse(tree)).isEqualTo(report);
  }

  @Test
  void writesTheFieldNamesAndOmissionsOfTheGoTypes() {
    ObjectNode tree = PolicyReportJson.toTree(everyField());

    assertThat(tree.path("apiVersion").asText()).isEqualTo("wgpolicyk8s.io/v1alpha2");
    assertThat(tree.path("summary").toString())
        .isEqualTo("{\"pass\":1,\"fail\":1,\"warn\":1,\"error\":1,\"skip\":1}");
    JsonNode warn = tree.path("results").get(2);
    assertThat(warn.has("scored")).as("scored: false is omitted, as omitempty does").isFalse();
    assertThat(warn.path("timestamp").toString())
        .isEqualTo("{\"seconds\":1796119200,\"nanos\":123456789}");
    assertThat(warn.path("resources").get(0).path("uid").asText())
        .isEqualTo("3f1c2a9e-0000-4000-8000-000000000001");
    JsonNode skip = tree.path("results").get(4);
    assertThat(skip.has("source")).isFalse();
    assertThat(skip.has("resources")).isFalse();
    assertThat(skip.path("resourceSelector").path("matchExpressions").toString())
        .isEqualTo(
            "[{\"key\":\"tier\",\"operator\":\"NotIn\",\"values\":[\"cpu\",\"edge\"]},"
                + "{\"key\":\"gpu\",\"operator\":\"Exists\"}]");
  }

  @Test
  void readsAReportOfAnotherEngineShapedAsThePublishedFieldList() throws IOException {
    String yaml;
    try (InputStream in =
        PolicyReportModelTest.class.getResourceAsStream("kyverno-shaped-policyreport.yaml")) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    PolicyReport r = PolicyReportJson.parse(yaml);

    assertThat(r.kind()).isEqualTo(PolicyReport.Kind.POLICY_REPORT);
    assertThat(r.namespace()).isEqualTo("inference");
    assertThat(r.labels()).containsEntry("app.kubernetes.io/managed-by", "kyverno");
    assertThat(r.scope())
        .hasValue(
            new ObjectReference(
                "apps/v1",
                "Deployment",
                "inference",
                "vllm",
                "9e0f6d2c-3b7a-4c55-a1d2-8f3e4b5c6d7e",
                "184401",
                ""));
    assertThat(r.summary()).isEqualTo(new PolicyReportSummary(1, 1, 1, 0, 1));
    PolicyReportResult fail = r.results().get(0);
    assertThat(fail.result()).isEqualTo(PolicyResult.FAIL);
    assertThat(fail.severity()).hasValue(PolicyResultSeverity.HIGH);
    assertThat(fail.scored()).isTrue();
    assertThat(fail.timestamp()).isEqualTo(Instant.ofEpochSecond(1764493964, 250_000_000));
    assertThat(fail.resources().get(0).fieldPath()).isEqualTo("spec.template.spec.containers[0]");
    assertThat(fail.property("digest"))
        .hasValueSatisfying(d -> assertThat(d).startsWith("sha256:"));
    PolicyReportResult warn = r.results().get(2);
    assertThat(warn.source()).isEmpty();
    assertThat(warn.resourceSelector().orElseThrow().matches(Map.of("app", "vllm", "tier", "gpu")))
        .isTrue();
    assertThat(warn.resourceSelector().orElseThrow().matches(Map.of("app", "vllm", "canary", "y")))
        .isFalse();
    assertThat(PolicyReportJson.parse(PolicyReportJson.toTree(r))).isEqualTo(r);
  }

  static Stream<Arguments> refusedReports() {
    String head =
        "apiVersion: wgpolicyk8s.io/v1alpha2\nkind: PolicyReport\nmetadata: {name: r, namespace: ml}\n";
    String ok = "  - {policy: p, result: pass, timestamp: {seconds: 1, nanos: 0}}\n";
    return Stream.of(
        Arguments.of(
            "summary that does not count the results",
            head + "summary: {pass: 2}\nresults:\n" + ok,
            "summary says pass=2 fail=0 warn=0 error=0 skip=0 but its 1 results count pass=1"),
        Arguments.of(
            "unknown result value",
            head + "results:\n  - {policy: p, result: denied}\n",
            "results[0] result 'denied' is not one of pass, fail, warn, error, skip"),
        Arguments.of(
            "result missing", head + "results:\n  - {policy: p}\n", "results[0].result is missing"),
        Arguments.of("policy missing", head + "results:\n  - {result: fail}\n", "needs a policy"),
        Arguments.of(
            "nanos out of range",
            head + "results:\n  - {policy: p, result: pass, timestamp: {seconds: 1, nanos: -1}}\n",
            "results[0].timestamp.nanos is -1"),
        Arguments.of(
            "timestamp after year 9999",
            head
                + "results:\n  - {policy: p, result: pass, timestamp: {seconds: 253402300800, nanos: 0}}\n",
            "outside 0001-01-01 to 9999-12-31"),
        Arguments.of(
            "unknown severity",
            head + "results:\n  - {policy: p, result: pass, severity: urgent}\n",
            "severity 'urgent'"),
        Arguments.of(
            "scope and scopeSelector both",
            head + "scope: {kind: Namespace, name: ml}\nscopeSelector: {matchLabels: {a: b}}\n",
            "has both a scope and a scopeSelector"),
        Arguments.of(
            "cluster report with a namespace",
            head.replace("kind: PolicyReport", "kind: ClusterPolicyReport"),
            "a ClusterPolicyReport has no namespace, got 'ml'"),
        Arguments.of(
            "namespaced report without namespace",
            "apiVersion: wgpolicyk8s.io/v1alpha2\nkind: PolicyReport\nmetadata: {name: r}\n",
            "a PolicyReport needs a namespace"),
        Arguments.of(
            "other API version",
            head.replace("v1alpha2", "v1beta1"),
            "apiVersion is 'wgpolicyk8s.io/v1beta1', expected wgpolicyk8s.io/v1alpha2"),
        Arguments.of(
            "message that is not a string",
            head + "results:\n  - {policy: p, result: pass, message: [a]}\n",
            "results[0].message is not a string"),
        Arguments.of(
            "property that is not a string",
            head + "results:\n  - {policy: p, result: pass, properties: {n: {a: 1}}}\n",
            "results[0].properties.n is not a string"),
        Arguments.of(
            "unknown selector operator",
            head
                + "results:\n  - {policy: p, result: pass, resourceSelector: {matchExpressions: [{key: a, operator: Near}]}}\n",
            "operator is 'Near', not In, NotIn, Exists or DoesNotExist"),
        Arguments.of(
            "resource without name",
            head + "results:\n  - {policy: p, result: pass, resources: [{kind: Pod}]}\n",
            "results[0].resources[0] an object reference needs a kind and a name"),
        Arguments.of(
            "negative count", head + "summary: {fail: -1}\n", "summary counts cannot be negative"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedReports")
  void refusesReportsTheApiOrTheSummaryRuleWouldNotHold(String name, String yaml, String message) {
    assertThatThrownBy(() -> PolicyReportJson.parse(yaml))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(message);
  }

  @Test
  void summaryThatDisagreesCannotBeBuilt() {
    assertThatThrownBy(
            () ->
                new PolicyReport(
                    PolicyReport.Kind.POLICY_REPORT,
                    "modelgate",
                    "ml",
                    Map.of(),
                    Map.of(),
                    Optional.empty(),
                    Optional.empty(),
                    new PolicyReportSummary(0, 0, 0, 0, 0),
                    List.of(result(PolicyResult.FAIL, "a"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("summary says pass=0 fail=0");
  }

  @Test
  void reportNamesMustBeKubernetesNames() {
    assertThatThrownBy(
            () ->
                PolicyReport.of(
                    PolicyReport.Kind.POLICY_REPORT,
                    "Model Gate",
                    "ml",
                    Map.of(),
                    Map.of(),
                    Optional.empty(),
                    List.of()))
        .hasMessageContaining("report name 'Model Gate' is not a DNS subdomain");
  }

  @Property(tries = 200)
  void summaryAlwaysCountsTheResults(@ForAll @Size(max = 40) List<PolicyResult> outcomes) {
    List<PolicyReportResult> results = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      results.add(result(outcomes.get(i), "m" + i));
    }

    PolicyReport report = PolicyReports.of("ml", results);
    PolicyReport back = PolicyReportJson.parse(yamlTree(report));

    for (PolicyResult p : PolicyResult.values()) {
      long n = outcomes.stream().filter(p::equals).count();
      assertThat(report.summary().count(p)).isEqualTo(n);
      assertThat(back.summary().count(p)).isEqualTo(n);
    }
    assertThat(back).isEqualTo(report);
  }

  /** The YAML form read back as a tree, as kubectl would send it. */
  private static JsonNode yamlTree(PolicyReport r) {
    try {
      return new YAMLMapper().readTree(PolicyReportJson.toYaml(List.of(r)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
