package dev.modelgate.policy.crd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.policy.CompileError;
import dev.modelgate.policy.CompileError.Kind;
import dev.modelgate.policy.LabelSelector;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The compilers' error collector: a scope per field, one list in the order problems are found. */
class CompileErrorScopesTest {
  @Test
  void anErrorCarriesThePathOfTheScopeItWasReportedIn() {
    CompileErrors errors = CompileErrors.atSpec();
    errors.at("authorities").at(2).at("key").at("publicKey").add(Kind.PEM_INVALID, "not PEM");
    errors.atDocument("metadata.namespace").add(Kind.FIELD_MISSING, "needs a namespace");
    errors.add(Kind.FIELD_MISSING, "no spec");

    assertThat(errors.list())
        .extracting(CompileError::toString)
        .containsExactly(
            "spec.authorities[2].key.publicKey: not PEM",
            "metadata.namespace: needs a namespace",
            "spec: no spec");
  }

  @Test
  void aSeparateScopeCollectsApartUntilAddedBack() {
    CompileErrors errors = CompileErrors.atSpec();
    CompileErrors match = errors.at("match").separate();
    match.at("models").at(0).add(Kind.GLOB_INVALID, "bad glob");

    assertThat(errors.isEmpty()).isTrue();
    errors.addAll(match);
    assertThat(errors.list())
        .extracting(CompileError::toString)
        .containsExactly("spec.match.models[0]: bad glob");
  }

  @Test
  void eachSelectorOperatorHasOneSpellingThatParsesBack() {
    for (LabelSelector.Operator op : LabelSelector.Operator.values()) {
      assertThat(LabelSelector.Operator.parse(op.spelling())).contains(op);
      assertThat(LabelSelector.Operator.SPELLINGS).contains(op.spelling());
    }
    assertThat(LabelSelector.Operator.SPELLINGS)
        .isEqualTo(
            String.join(
                ", ",
                Arrays.stream(LabelSelector.Operator.values())
                    .map(LabelSelector.Operator::spelling)
                    .toList()));
    assertThat(LabelSelector.Operator.listed(" or "))
        .isEqualTo("In, NotIn, Exists or DoesNotExist");
    assertThat(LabelSelector.Operator.parse("in")).as("spelt as Kubernetes spells it").isEmpty();
    assertThat(LabelSelector.Operator.parse(null)).isEmpty();
  }
}
