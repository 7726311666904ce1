package dev.modelgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Registry names from workloads cannot grow the registry metric's series without bound. */
class BoundedLabelsTest {
  @Test
  void theFirstValuesKeepTheirNameAndLaterOnesAreOther() {
    BoundedLabels labels = new BoundedLabels(2);

    assertThat(labels.of("registry.a")).isEqualTo("registry.a");
    assertThat(labels.of("registry.b")).isEqualTo("registry.b");
    assertThat(labels.of("registry.c")).isEqualTo(BoundedLabels.OTHER);
    assertThat(labels.of("registry.a")).as("a named value stays named").isEqualTo("registry.a");
  }

  @Test
  void aCapBelowOneIsRefused() {
    assertThatThrownBy(() -> new BoundedLabels(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
