package dev.modelgate.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
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
  void tenThousandHostsGiveAtMostTheCapPlusOther() {
    BoundedLabels labels = new BoundedLabels(CoreProducers.MAX_REGISTRY_LABELS);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      seen.add(labels.of("attacker-" + i + ".example"));
    }

    assertThat(seen).hasSize(CoreProducers.MAX_REGISTRY_LABELS + 1).contains(BoundedLabels.OTHER);
  }

  @Test
  void aCapBelowOneIsRefused() {
    assertThatThrownBy(() -> new BoundedLabels(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
