package dev.modelgate.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelgate.core.InvalidInputException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Jackson records of the report wire form read strictly: a field of the wrong type is refused
 * at its path, never coerced (Jackson would otherwise read 5 as "5", "true" as true, 1.5 as 1).
 */
class PolicyReportWireTest {
  private static final String HEAD =
      "apiVersion: wgpolicyk8s.io/v1alpha2\nkind: PolicyReport\nmetadata: {name: r, namespace: ml}\n";

  static Stream<Arguments> wrongTypes() {
    return Stream.of(
        Arguments.of(
            "apiVersion: wgpolicyk8s.io/v1alpha2\nkind: PolicyReport\nmetadata: {name: 5, namespace: ml}\n",
            "PolicyReport: metadata.name is not a string"),
        Arguments.of(
            "apiVersion: wgpolicyk8s.io/v1alpha2\nkind: PolicyReport\nmetadata: [a]\n",
            "PolicyReport: metadata is missing or not an object"),
        Arguments.of(
            HEAD + "results:\n  - {policy: p, result: pass, scored: 'yes'}\n",
            "PolicyReport: results[0].scored is not true or false"),
        Arguments.of(
            HEAD + "results:\n  - {policy: p, result: pass, scored: 1}\n",
            "PolicyReport: results[0].scored is not true or false"),
        Arguments.of(
            HEAD + "summary: {pass: 1.5}\n", "PolicyReport: summary.pass is not a whole number"),
        Arguments.of(
            HEAD + "summary: {pass: '1'}\n", "PolicyReport: summary.pass is not a whole number"),
        Arguments.of(HEAD + "results: {policy: p}\n", "PolicyReport: results is not a list"),
        Arguments.of(
            HEAD + "results:\n  - {policy: p, result: pass, timestamp: {seconds: 1.5, nanos: 0}}\n",
            "PolicyReport: results[0].timestamp needs integer seconds and nanos"),
        Arguments.of(
            HEAD + "results:\n  - {policy: p, result: pass, timestamp: {seconds: 1}}\n",
            "PolicyReport: results[0].timestamp needs integer seconds and nanos"),
        Arguments.of(
            HEAD + "results:\n  - {policy: p, result: pass, resources: [a]}\n",
            "PolicyReport: results[0].resources[0] is not an object reference"),
        Arguments.of(
            HEAD + "scopeSelector: [a]\n", "PolicyReport: scopeSelector is not a label selector"),
        Arguments.of(
            HEAD + "metadata: {name: r, namespace: ml, labels: {a: [b]}}\n",
            "PolicyReport: metadata.labels.a is not a string"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("wrongTypes")
  void aFieldOfTheWrongTypeIsRefusedAtItsPath(String yaml, String message) {
    assertThatThrownBy(() -> PolicyReportJson.parse(yaml))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(message);
  }

  @Test
  void anUnquotedNumberAmongSelectorValuesIsTheLabelValueItSpells() {
    PolicyReport r =
        PolicyReportJson.parse(
            HEAD
                + "results:\n  - {policy: p, result: pass, resourceSelector:"
                + " {matchExpressions: [{key: replicas, operator: In, values: [1, two]}]}}\n");

    var selector = r.results().get(0).resourceSelector().orElseThrow();
    assertThat(selector.matches(Map.of("replicas", "1"))).isTrue();
    assertThat(selector.matches(Map.of("replicas", "3"))).isFalse();
  }

  @Test
  void theServersOwnMetadataAndUnknownFieldsAreIgnored() {
    PolicyReport r =
        PolicyReportJson.parse(
            "apiVersion: wgpolicyk8s.io/v1alpha2\nkind: PolicyReport\n"
                + "metadata: {name: r, namespace: ml, uid: u-1, resourceVersion: '7',"
                + " managedFields: [{manager: kyverno}]}\n"
                + "somethingNew: {x: 1}\n"
                + "results:\n  - {policy: p, result: pass, futureField: 3}\n");

    assertThat(r.results()).hasSize(1);
    assertThat(PolicyReportJson.parse(PolicyReportJson.toTree(r))).isEqualTo(r);
  }
}
