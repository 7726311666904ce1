package dev.modelgate.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.policy.Mode;
import dev.modelgate.policy.ModelVerdict;
import dev.modelgate.report.ObjectReference;
import dev.modelgate.source.ModelReference;
import dev.modelgate.source.ModelUri;
import dev.modelgate.trust.Signer;
import dev.modelgate.trust.SigningMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The model inventory's series: one per running model, never more than the cap. */
class ModelInventoryTest {
  static final String DIGEST = "sha256:" + "b".repeat(64);

  static ModelVerdict verdict(String uri, boolean passed) {
    return new ModelVerdict(
        new ModelReference("llm", ModelUri.parse(uri), "", "spec.volumes[0].image.reference"),
        Optional.of("ClusterModelPolicy/signed"),
        Mode.ENFORCE,
        Optional.of(
            new Signer(
                SigningMethod.KEYLESS, "https://ci.example/release", "https://issuer", List.of())),
        List.of(),
        passed ? List.of() : List.of(Failure.of(Reason.SIGNATURE_INVALID, "bad signature")),
        Optional.empty(),
        List.of(),
        List.of(),
        Optional.empty());
  }

  static WorkloadScan workload(String name, int pods, ModelVerdict... verdicts) {
    return new WorkloadScan(
        ObjectReference.of("apps/v1", "Deployment", "ml", name, name + "-uid"),
        pods,
        List.of(verdicts));
  }

  @Test
  void podsOfWorkloadsRunningTheSameModelAddUp() {
    String uri = "oci://registry.example/models/llm@" + DIGEST;

    List<ModelInventory.Row> rows =
        ModelInventory.of(
            List.of(workload("a", 500, verdict(uri, true)), workload("b", 3, verdict(uri, true))),
            1000);

    assertThat(rows)
        .containsExactly(
            new ModelInventory.Row(
                "ml", uri, DIGEST, "https://ci.example/release", ScanOutcome.PASS, 503));
  }

  @Test
  void beyondTheCapTheSmallestSeriesCollapseIntoOtherPerResult() {
    List<WorkloadScan> many = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      many.add(
          workload(
              "w" + i,
              i < 10 ? 100 : 1,
              verdict("oci://registry.example/models/m" + i + ":1", i % 2 == 0)));
    }

    List<ModelInventory.Row> rows = ModelInventory.of(many, 1000);

    assertThat(rows).hasSizeLessThanOrEqualTo(1000).hasSizeGreaterThan(990);
    assertThat(rows.subList(0, 10)).allSatisfy(r -> assertThat(r.pods()).isEqualTo(100));
    List<ModelInventory.Row> other =
        rows.stream().filter(r -> r.modelUri().equals(ModelInventory.OTHER)).toList();
    assertThat(other)
        .extracting(ModelInventory.Row::result)
        .containsExactlyInAnyOrder(ScanOutcome.PASS, ScanOutcome.FAIL);
    assertThat(rows.stream().mapToInt(ModelInventory.Row::pods).sum())
        .as("no pod lost")
        .isEqualTo(10 * 100 + 1490);
  }

  @Test
  void aCapTooSmallForTheOtherSeriesIsRefused() {
    assertThatThrownBy(() -> ModelInventory.of(List.of(), 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 5 series");
  }
}
