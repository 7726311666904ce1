package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthChallengeTest {
  private static final OciReference REF = OciReference.parse("registry.example/models/llm:v1");

  private static String challenge(String realm) {
    return "Bearer realm=\""
        + realm
        + "\",service=\"registry.example\",scope=\"repository:models/llm:pull\"";
  }

  @Test
  void httpsRealmIsAsked() {
    assertThat(AuthChallenge.bearerTokenUri(challenge("https://auth.example/token"), REF))
        .get()
        .hasToString(
            "https://auth.example/token?service=registry.example&scope=repository%3Amodels%2Fllm%3Apull");
  }

  @Test
  void plainHttpRealmOnLoopbackIsAsked() {
    assertThat(AuthChallenge.bearerTokenUri(challenge("http://127.0.0.1:5000/token"), REF))
        .isPresent();
    assertThat(AuthChallenge.bearerTokenUri(challenge("http://localhost/token"), REF)).isPresent();
  }

  @Test
  void plainHttpRealmWhoseNameOnlyStartsLikeLoopbackIsRefused() {
    assertThat(AuthChallenge.bearerTokenUri(challenge("http://127.evil.example/token"), REF))
        .isEmpty();
    assertThat(AuthChallenge.bearerTokenUri(challenge("http://localhost.evil.example/token"), REF))
        .isEmpty();
    assertThat(AuthChallenge.bearerTokenUri(challenge("http://auth.example/token"), REF)).isEmpty();
  }
}
