package dev.modelgate.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelgate.core.InvalidInputException;
import dev.modelgate.testing.AdmissionHarness;
import dev.modelgate.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real AdmissionReviews in shared/fixtures/admission get the answers its README asks for. */
class AdmissionFixturesTest {
  @TempDir Path tmp;
  AdmissionHarness harness;

  @BeforeEach
  void setUp() {
    harness = new AdmissionHarness(tmp);
  }

  static String fixture(String name) throws Exception {
    return Files.readString(
        Fixtures.shared().resolve("fixtures/admission/" + name), StandardCharsets.UTF_8);
  }

  @Test
  void podCreateWithoutModelsIsAllowedAndItsUidEchoed() throws Exception {
    AdmissionOutcome o = harness.reviewJson(fixture("01-pod-create.v1.connaisseur.json"));

    assertThat(o.allowed()).isTrue();
    assertThat(o.uid()).isEqualTo("0c3331b6-1812-11ea-b3fc-02897404852e");
    assertThat(o.verdicts()).isEmpty();
  }

  @Test
  void deploymentDryRunIsDecidedWithoutEvents() throws Exception {
    AdmissionRequest r =
        new AdmissionReviewParser()
            .parse(
                fixture("02-deployment-create-dryrun.v1.kube-review.json")
                    .getBytes(StandardCharsets.UTF_8));
    AdmissionOutcome o = harness.review(r);

    assertThat(r.dryRun()).isTrue();
    assertThat(o.allowed()).isTrue();
    assertThat(harness.events).isEmpty();
  }

  @Test
  void scaleDownIsAllowedWithoutInspection() throws Exception {
    AdmissionOutcome o =
        harness.reviewJson(fixture("03-replicaset-update-scaledown.v1.connaisseur.json"));

    assertThat(o.allowed()).isTrue();
    assertThat(o.skipped()).contains("scale-down with an unchanged pod template");
  }

  @Test
  void deleteIsAllowedAtOnce() throws Exception {
    String wrapped =
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":"
            + fixture("04-pod-delete.request-only.pepr.json")
            + "}";

    AdmissionOutcome o = harness.reviewJson(wrapped);

    assertThat(o.allowed()).isTrue();
    assertThat(o.skipped()).contains("DELETE is never blocked");
  }

  @Test
  void bareRequestWithoutTheReviewEnvelopeIsUnreadable() throws Exception {
    byte[] bare = fixture("04-pod-delete.request-only.pepr.json").getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> new AdmissionReviewParser().parse(bare))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("has kind '', expected AdmissionReview");
  }

  @Test
  void schemaCompleteFixtureParsesAndItsUnknownKindIsDeniedWithAReason() throws Exception {
    AdmissionOutcome o =
        harness.reviewJson(fixture("05-schema-complete-fixture.v1.kubernetes.json"));

    assertThat(o.uid()).isEqualTo("uidValue");
    assertThat(o.allowed()).isFalse();
    assertThat(o.message()).contains("kind kindValue is not a workload ModelGate inspects");
  }

  @Test
  void objectBeingDeletedIsAllowedAndTheV1beta1AnswerIsInKind() throws Exception {
    String json = fixture("06-deployment-update-with-deletionTimestamp.v1beta1.connaisseur.json");
    AdmissionRequest r = new AdmissionReviewParser().parse(json.getBytes(StandardCharsets.UTF_8));

    AdmissionOutcome o = harness.review(r);
    JsonNode answer = new ObjectMapper().readTree(AdmissionResponseWriter.write(r.apiVersion(), o));

    assertThat(o.allowed()).isTrue();
    assertThat(o.skipped()).contains("object is being deleted");
    assertThat(answer.get("apiVersion").asText()).isEqualTo("admission.k8s.io/v1beta1");
    assertThat(answer.at("/response/uid").asText()).isEqualTo(r.uid());
  }

  @Test
  void imageVolumePodNamesItsOciModelAndIsDeniedWithoutAMatchingPolicy() throws Exception {
    ObjectNode review =
        (ObjectNode) new ObjectMapper().readTree(fixture("01-pod-create.v1.connaisseur.json"));
    JsonNode pod =
        new YAMLMapper()
            .readTree(fixture("07-pod-with-image-volume.manifest-only.k8s-website.yaml"));
    ((ObjectNode) review.get("request")).set("object", pod);

    AdmissionOutcome o = harness.reviewJson(review.toString());

    assertThat(o.allowed()).isFalse();
    assertThat(o.message())
        .contains("model 'volume' (oci://quay.io/crio/artifact:v2)")
        .contains("NO_POLICY");
  }
}
