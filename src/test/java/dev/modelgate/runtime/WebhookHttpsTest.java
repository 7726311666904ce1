package dev.modelgate.runtime;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelgate.admission.NamespaceLabels;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The running Quarkus webhook over real HTTPS (its self-signed certificate), on the shipped
 * policies/ and testdata/: what README's curl shows, plus unreadable reviews, v1beta1, a 10 MiB
 * object, health and metrics.
 */
@QuarkusTest
class WebhookHttpsTest {
  @TestHTTPResource(value = "/", tls = true)
  URL base;

  @Inject NamespaceLabels namespaces;

  static String review(String model) throws Exception {
    return Files.readString(Path.of("testdata/workloads/admission-review-pod.json"))
        .replace("@MODELS@", Path.of("testdata/models").toAbsolutePath().toString())
        .replace("@MODEL@", model);
  }

  private Response post(String path, String body) {
    return given()
        .relaxedHTTPSValidation()
        .baseUri(base.toString())
        .contentType("application/json")
        .body(body)
        .post(path);
  }

  @Test
  void embeddedModeGivesEveryNamespaceItsNameLabelAsTheApiServerDoes() {
    assertThat(namespaces.of("inference"))
        .containsExactly(Map.entry("kubernetes.io/metadata.name", "inference"));
  }

  @Test
  void plainHttpOnTheWebhookPortGetsNoAnswer() throws Exception {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://" + base.getHost() + ":" + base.getPort() + "/validate"))
            .timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.ofString(review("sample")))
            .build();

    // The TLS listener sees no ClientHello and drops the connection: no admission answer in clear
    // text.
    assertThat(base.getProtocol()).isEqualTo("https");
    assertThatThrownBy(() -> plain.send(request, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void signedTestdataModelIsAllowed() throws Exception {
    Response r = post("validate", review("sample"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.jsonPath().getBoolean("response.allowed")).isTrue();
    assertThat(r.jsonPath().getString("response.uid"))
        .isEqualTo("7f2a0c4e-8a35-4c65-9d1b-0b6b1c1f0a11");
    assertThat(r.jsonPath().getString("apiVersion")).isEqualTo("admission.k8s.io/v1");
  }

  @Test
  void tamperedTestdataModelIsDeniedWithAReadableReason() throws Exception {
    Response r = post("validate", review("sample-tampered"));

    assertThat(r.jsonPath().getBoolean("response.allowed")).isFalse();
    assertThat(r.jsonPath().getInt("response.status.code")).isEqualTo(403);
    assertThat(r.jsonPath().getString("response.status.message"))
        .contains("model 'sample'")
        .contains("failed ClusterModelPolicy/testdata-signed-models")
        .contains("DIGEST_MISMATCH: file 'config.json'");
  }

  @Test
  void certificateSignedSampleIsAllowedByTheCaAuthority() throws Exception {
    assertThat(post("mutate", review("sample-cert")).jsonPath().getBoolean("response.allowed"))
        .isTrue();
  }

  @Test
  void v1beta1ReviewIsAnsweredInKind() throws Exception {
    Response r =
        post(
            "validate",
            review("sample").replace("admission.k8s.io/v1", "admission.k8s.io/v1beta1"));

    assertThat(r.jsonPath().getString("apiVersion")).isEqualTo("admission.k8s.io/v1beta1");
  }

  @Test
  void unreadableReviewsGetHttp400AndTheServerKeepsServing() throws Exception {
    Response malformed =
        post(
            "validate",
            "{\"kind\": \"AdmissionReview\", \"apiVersion\": \"admission.k8s.io/v1\", \"request\": {");
    Response noUid =
        post(
            "validate",
            "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"kind\":{\"kind\":\"Pod\"},\"operation\":\"CREATE\"}}");

    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.jsonPath().getString("error")).contains("is not valid JSON");
    assertThat(noUid.statusCode()).isEqualTo(400);
    assertThat(noUid.jsonPath().getString("error")).contains("lacks request.uid");
    assertThat(post("validate", review("sample")).jsonPath().getBoolean("response.allowed"))
        .isTrue();
  }

  @Test
  void tenMebibyteObjectIsAnswered() throws Exception {
    String padding = "x".repeat(10 * 1024 * 1024);
    String big =
        review("sample")
            .replace(
                "\"labels\": {\"app\": \"llm\"}",
                "\"labels\": {\"app\": \"llm\"}, \"uid\": \"" + padding + "\"");

    Response r = post("validate", big);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.jsonPath().getBoolean("response.allowed")).isTrue();
  }

  @Test
  void readinessReportsLoadedPolicies() {
    Response r = given().relaxedHTTPSValidation().baseUri(base.toString()).get("q/health/ready");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.asString()).contains("\"policies\"").contains("UP");
  }

  @Test
  void metricsCountDecisions() throws Exception {
    post("validate", review("sample-tampered"));

    String metrics =
        given().relaxedHTTPSValidation().baseUri(base.toString()).get("q/metrics").asString();

    assertThat(metrics)
        .contains("modelgate_admission_requests_total{decision=\"deny\",operation=\"create\"}")
        .contains("modelgate_verifications_total{reason=\"digest_mismatch\",result=\"failed\"}")
        .contains("modelgate_admission_duration_seconds_bucket");
  }
}
