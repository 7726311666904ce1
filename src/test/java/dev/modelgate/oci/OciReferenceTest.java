package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelgate.core.InvalidInputException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OciReferenceTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "ubuntu, docker.io/library/ubuntu:latest, registry-1.docker.io",
    "acme/llama:3, docker.io/acme/llama:3, registry-1.docker.io",
    "quay.io/crio/artifact:v2, quay.io/crio/artifact:v2, quay.io",
    "localhost:5000/models/tiny, localhost:5000/models/tiny:latest, localhost:5000",
    "127.0.0.1:5000/m/x@sha256:229a183d189f41a3d53723dafa6ae2e575798dcc2d0bb13c76441bff3ca98353, 127.0.0.1:5000/m/x@sha256:229a183d189f41a3d53723dafa6ae2e575798dcc2d0bb13c76441bff3ca98353, 127.0.0.1:5000",
    "Registry.Example.com/a/b:t@sha256:229a183d189f41a3d53723dafa6ae2e575798dcc2d0bb13c76441bff3ca98353, registry.example.com/a/b:t@sha256:229a183d189f41a3d53723dafa6ae2e575798dcc2d0bb13c76441bff3ca98353, registry.example.com",
  })
  void wellFormedReferencesNormaliseAndRoundTrip(String input, String canonical, String apiHost) {
    OciReference r = OciReference.parse(input);

    assertThat(r.toString()).isEqualTo(canonical);
    assertThat(r.apiHost()).isEqualTo(apiHost);
    assertThat(OciReference.parse(r.toString())).isEqualTo(r);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Upper/Case",
        "repo:bad tag",
        "host.io/repo@sha256:abc",
        "host.io/a//b",
        "host.io/-x",
        "repo@md5:00"
      })
  void malformedReferencesAreRejected(String input) {
    assertThatThrownBy(() -> OciReference.parse(input)).isInstanceOf(InvalidInputException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost/m:1", "127.0.0.1:5000/m:1", "[::1]:5000/m:1"})
  void loopbackRegistriesAreRecognisedForPlainHttp(String input) {
    assertThat(OciReference.parse(input).isLoopback()).isTrue();
  }
}
