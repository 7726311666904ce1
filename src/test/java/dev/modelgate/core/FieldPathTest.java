package dev.modelgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FieldPathTest {
  @Test
  void isBuiltFromFieldsIndexesAndKeysAsKubectlWritesIt() {
    FieldPath p = FieldPath.of("spec").child("authorities").index(2).child("key");
    FieldPath a = FieldPath.of("metadata.annotations").key("model.modelgate.dev/llm");

    assertThat(p).hasToString("spec.authorities[2].key");
    assertThat(a).hasToString("metadata.annotations[model.modelgate.dev/llm]");
  }

  @Test
  void refusesEmptyPathsAndNegativeIndexes() {
    assertThatThrownBy(() -> FieldPath.of(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FieldPath.of("spec").index(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void controlCharactersFromAnAnnotationKeyCannotReachATerminal() {
    assertThat(FieldPath.of("metadata.annotations").key("a\u001b[31mb"))
        .hasToString("metadata.annotations[a\\x1b[31mb]");
  }
}
