package dev.modelgate.verify.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelgate.core.Failure;
import dev.modelgate.core.Reason;
import dev.modelgate.oci.OciReference;
import dev.modelgate.oci.RegistryClient;
import dev.modelgate.oci.RegistryCredentials;
import dev.modelgate.oms.ModelHasher;
import dev.modelgate.source.RegistryAccess;
import dev.modelgate.testing.TestKeys;
import dev.modelgate.trust.KeyVerifier;
import dev.modelgate.verify.ModelVerifier;
import dev.modelgate.verify.OciModelVerifier;
import dev.modelgate.verify.VerificationPolicy;
import dev.modelgate.verify.VerificationResult;
import dev.modelgate.verify.VerifyOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pull secrets that ModelGate may not read (readPullSecrets off, RBAC wrong) deny whatever onError
 * says; only an API server that did not answer is UNAVAILABLE.
 */
@EnableKubernetesMockClient
class PullSecretRefusalTest {
  KubernetesMockServer server;
  KubernetesClient client;

  private VerificationResult verifyWithPullSecrets() {
    OciModelVerifier v =
        new OciModelVerifier(
            new RegistryClient(RegistryCredentials.NONE, Set.of()),
            new ModelVerifier(ModelHasher.allCores()),
            new KubernetesPullCredentials(client));
    VerificationPolicy policy =
        VerificationPolicy.single(
            new KeyVerifier(TestKeys.ec("secp256r1").getPublic()), VerifyOptions.DEFAULTS);
    return v.verify(
        OciReference.parse("127.0.0.1:1/models/llm:1"),
        policy,
        Instant.now().plusSeconds(10),
        new RegistryAccess("ml", "default", List.of()));
  }

  @Test
  void forbiddenServiceAccountReadIsAnInternalErrorNotUnavailable() {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/ml/serviceaccounts/default")
        .andReturn(403, "{\"kind\":\"Status\",\"code\":403}")
        .always();

    VerificationResult r = verifyWithPullSecrets();

    assertThat(r.failures()).extracting(Failure::reason).containsExactly(Reason.INTERNAL_ERROR);
    assertThat(r.failures().get(0).message()).contains("pull secrets of namespace ml");
  }

  @Test
  void apiServerThatFailsIsUnavailable() {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/ml/serviceaccounts/default")
        .andReturn(503, "{\"kind\":\"Status\",\"code\":503}")
        .always();

    VerificationResult r = verifyWithPullSecrets();

    assertThat(r.failures()).extracting(Failure::reason).containsExactly(Reason.UNAVAILABLE);
  }
}
