package dev.modelgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Model globs, label selectors and the match that combines them. */
class PolicyMatchTest {
  @ParameterizedTest(name = "{0} ~ {1}: {2}")
  @CsvSource({
    "oci://registry.example/models/**, oci://registry.example/models/llm:1, true",
    "oci://registry.example/models/**, oci://registry.example/models/team/llm@sha256:ab, true",
    "oci://registry.example/models/**, oci://registry.example/other/llm:1, false",
    "oci://registry.example/models/*, oci://registry.example/models/team/llm:1, false",
    "oci://registry.example/models/*, oci://registry.example/models/llm:1, true",
    "pvc://claim/**/*.safetensors, pvc://claim/model.safetensors, true",
    "pvc://claim/**/*.safetensors, pvc://claim/a/model.bin, false",
    "pvc://claim/**/model.bin, pvc://claim/model.bin, true",
    "pvc://claim/**/model.bin, pvc://claim/a/b/model.bin, true",
    "file://m?del, file://model, true",
    "file://m?del, file://m/del, false",
    "oci://registry.example/models.v1/**, oci://registry.exampleXmodelsXv1/x, false",
    "**, anything://at/all, true"
  })
  void globsMatchWithinAndAcrossSegments(String glob, String uri, boolean matches) {
    assertThat(ModelGlob.compile(glob).matches(uri)).isEqualTo(matches);
  }

  @Test
  void anEmptyGlobIsRefused() {
    assertThatThrownBy(() -> ModelGlob.compile(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a model glob must not be empty");
  }

  @Test
  void selectorsNeedEveryLabelAndEveryRequirement() {
    LabelSelector s =
        new LabelSelector(
            Map.of("team", "ml"),
            List.of(
                new LabelSelector.Requirement(
                    "env", LabelSelector.Operator.IN, Set.of("prod", "staging")),
                new LabelSelector.Requirement(
                    "debug", LabelSelector.Operator.DOES_NOT_EXIST, Set.of())));

    assertThat(s.matches(Map.of("team", "ml", "env", "prod"))).isTrue();
    assertThat(s.matches(Map.of("team", "ml", "env", "dev"))).isFalse();
    assertThat(s.matches(Map.of("team", "ml", "env", "prod", "debug", "1"))).isFalse();
    assertThat(s.matches(Map.of("env", "prod"))).isFalse();
    assertThat(LabelSelector.ALL.matches(Map.of())).isTrue();
  }

  @Test
  void notInAndExistsFollowKubernetes() {
    LabelSelector notIn =
        new LabelSelector(
            Map.of(),
            List.of(
                new LabelSelector.Requirement(
                    "env", LabelSelector.Operator.NOT_IN, Set.of("dev"))));
    LabelSelector exists =
        new LabelSelector(
            Map.of(),
            List.of(new LabelSelector.Requirement("env", LabelSelector.Operator.EXISTS, Set.of())));

    assertThat(notIn.matches(Map.of())).as("NotIn matches a missing label").isTrue();
    assertThat(notIn.matches(Map.of("env", "dev"))).isFalse();
    assertThat(exists.matches(Map.of("env", ""))).isTrue();
    assertThat(exists.matches(Map.of())).isFalse();
  }

  @Test
  void requirementsWithTheWrongValuesAreRefused() {
    assertThatThrownBy(
            () -> new LabelSelector.Requirement("k", LabelSelector.Operator.IN, Set.of()))
        .hasMessage("label selector requirement on 'k': IN needs values");
    assertThatThrownBy(
            () -> new LabelSelector.Requirement("k", LabelSelector.Operator.EXISTS, Set.of("v")))
        .hasMessage("label selector requirement on 'k': EXISTS takes no values");
  }

  @Test
  void aMatchNeedsTheNamespaceTheWorkloadAndOneGlob() {
    PolicyMatch m =
        new PolicyMatch(
            new LabelSelector(Map.of("team", "ml"), List.of()),
            new LabelSelector(Map.of("app", "llm"), List.of()),
            List.of(ModelGlob.compile("oci://a/**"), ModelGlob.compile("oci://b/**")));

    assertThat(m.matches(Map.of("team", "ml"), Map.of("app", "llm"), "oci://b/x:1")).isTrue();
    assertThat(m.matches(Map.of("team", "ml"), Map.of("app", "llm"), "oci://c/x:1")).isFalse();
    assertThat(m.matches(Map.of(), Map.of("app", "llm"), "oci://a/x:1")).isFalse();
    assertThat(m.selects(Map.of("team", "ml"), Map.of("app", "llm"))).isTrue();
    assertThat(PolicyMatch.EVERYTHING.matches(Map.of(), Map.of(), "pvc://any/thing")).isTrue();
  }
}
