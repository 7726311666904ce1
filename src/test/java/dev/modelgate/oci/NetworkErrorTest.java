package dev.modelgate.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.UnavailableException;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Registry connection failures are told in words, from real failed connections; never as a Java
 * class name.
 */
class NetworkErrorTest {
  private static String failure(String reference) {
    try {
      new RegistryClient(RegistryCredentials.NONE, Set.of())
          .manifest(OciReference.parse(reference), Instant.now().plusSeconds(10));
    } catch (UnavailableException e) {
      return e.getMessage();
    }
    throw new AssertionError("no failure for " + reference);
  }

  @Test
  void refusedConnectionSaysSo() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }

    assertThat(failure("127.0.0.1:" + port + "/models/llm:v1"))
        .isEqualTo("registry 127.0.0.1:" + port + " cannot be reached: connection refused");
  }

  @Test
  void unknownHostSaysTheNameWasNotFound() {
    // .invalid never resolves (RFC 2606).
    assertThat(failure("registry.nonexistent.invalid/models/llm:v1"))
        .startsWith(
            "registry registry.nonexistent.invalid cannot be reached: the host name does not resolve")
        .doesNotContain("java.")
        .doesNotContain("Exception");
  }
}
