package dev.modelgate.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.BoundedLabels;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Registry names from workloads cannot grow the registry metric's series without bound. */
class RegistryLabelCapTest {
  @Test
  void tenThousandHostsGiveAtMostTheCapPlusOther() {
    BoundedLabels labels = new BoundedLabels(CoreProducers.MAX_REGISTRY_LABELS);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      seen.add(labels.of("attacker-" + i + ".example"));
    }

    assertThat(seen).hasSize(CoreProducers.MAX_REGISTRY_LABELS + 1).contains(BoundedLabels.OTHER);
  }
}
