package dev.modelgate.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelgate.admission.AdmissionOutcome;
import dev.modelgate.admission.AdmissionRequest;
import dev.modelgate.admission.AdmissionReviewParser;
import dev.modelgate.core.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The one assembly of the core: the webhook's decision from options, nothing wired by hand. */
class CoreTest {
  private static AdmissionRequest pod(String model) throws IOException {
    String review =
        Files.readString(Path.of("testdata/workloads/admission-review-pod.json"))
            .replace("@MODELS@", Path.of("testdata/models").toAbsolutePath().toString())
            .replace("@MODEL@", model);
    return new AdmissionReviewParser().parse(review.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theAssembledCoreAdmitsTheSignedSampleAndDeniesTheTamperedOne() throws IOException {
    try (Core core = Core.builder().policyDirectory(Path.of("policies")).build()) {
      AdmissionOutcome signed = core.admission().review(pod("sample"), core.deadline(), true);
      AdmissionOutcome tampered =
          core.admission().review(pod("sample-tampered"), core.deadline(), true);

      assertThat(signed.allowed()).as(signed.denial().orElse("")).isTrue();
      assertThat(tampered.allowed()).isFalse();
      assertThat(tampered.decision().denials())
          .flatExtracting(v -> v.failures())
          .extracting(f -> f.reason())
          .contains(Reason.DIGEST_MISMATCH);
    }
  }

  @Test
  void eachLayerIsBuiltOnceAndSharedByTheLayersAbove() {
    try (Core core = Core.builder().policyDirectory(Path.of("policies")).build()) {
      assertThat(core.admission()).isSameAs(core.admission());
      assertThat(core.engine()).isSameAs(core.engine());
      assertThat(core.policies()).isSameAs(core.policies());
      assertThat(core.oci()).isSameAs(core.oci());
      assertThat(core.oci().cache()).isSameAs(core.oci().cache());
    }
  }

  @Test
  void registryVerificationNeedsNoPolicySourceButADecisionDoes() {
    try (Core core = Core.builder().build()) {
      assertThat(core.oci()).isNotNull();
      assertThatThrownBy(core::engine)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no policy source");
    }
  }

  @Test
  void theDeadlineIsTheClockPlusTheBudget() {
    Instant now = Instant.parse("2026-12-01T00:00:00Z");
    Core core =
        Core.builder()
            .clock(Clock.fixed(now, ZoneOffset.UTC))
            .budget(Duration.ofSeconds(7))
            .build();

    assertThat(core.deadline()).isEqualTo(now.plusSeconds(7));
    assertThat(Core.builder().build().deadline())
        .as("the webhook's default budget")
        .isBetween(
            Instant.now().plus(Core.DEFAULT_BUDGET).minusSeconds(5),
            Instant.now().plus(Core.DEFAULT_BUDGET));
  }

  @Test
  void badOptionsAreRefusedWhenGiven() {
    assertThatThrownBy(() -> Core.builder().budget(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> Core.builder().verifyThreads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one");
    assertThatThrownBy(() -> Core.builder().noMatch(null)).isInstanceOf(NullPointerException.class);
  }
}
